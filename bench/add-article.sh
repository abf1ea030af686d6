#!/bin/sh
# Helper for the "add one article" measurement (hyperfine --prepare / --cleanup).
#
#   add-article.sh add DIR TEMPLATE   write DIR/zz-bench-add-<nanoseconds>.txt: TEMPLATE's
#                                     body under a new headline, plus a unique last line, so
#                                     the file is a new article (seedsearch de-duplicates
#                                     identical content, so a plain copy would cost nothing)
#   add-article.sh clean DIR          delete every file written by `add`
set -eu
case "${1:-}" in
    add)
        n=$(date +%s%N)
        {
            printf 'Benchmark addition %s\n\n' "$n"
            tail -n +3 "$3"
            printf '\nUnique marker %s.\n' "$n"
        } > "$2/zz-bench-add-$n.txt"
        ;;
    clean)
        rm -f "$2"/zz-bench-add-*.txt
        ;;
    *)
        echo "usage: $0 add DIR TEMPLATE | clean DIR" >&2
        exit 2
        ;;
esac
