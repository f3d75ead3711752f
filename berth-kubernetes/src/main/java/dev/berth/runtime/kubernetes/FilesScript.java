package dev.berth.runtime.kubernetes;

/**
 * The shell script every file operation runs in the pod, one exec per call: {@code sh -c LOADER
 * berth-files OP ROOT ARGS...}, where the loader reads the script itself from the first bytes of
 * stdin ({@code dd bs=1} reads exactly that many, leaving the rest of stdin, a file's bytes or an
 * archive, to the operation). The script travels on stdin rather than in the exec URL because the
 * URL carries the command line and servers cap its length. Paths are passed as arguments (never
 * pasted into the script), or as a newline-separated list on stdin for the operations that take
 * many, and are workspace-relative, already checked lexically by {@link
 * dev.berth.runtime.WorkspacePath}.
 *
 * <p>Why in the pod: the workspace is only visible there, and its symbolic links resolve there. So
 * {@code res} walks a path one component at a time, resolves every link with {@code readlink -f}
 * and refuses (exit 3) any link that leads outside the workspace root, the way the Docker backend's
 * {@code ContainerPaths} does through the engine's stat call. As there, a process inside the
 * session that swaps a directory for a link between the check and the operation can race it; that
 * reaches only the session's own container, never the node or another session.
 *
 * <p>Exit codes: 0 done; 2 not found; 3 leads outside the workspace; 4 is a directory; 5 too large;
 * 6 directory not empty; 7 already exists; 8 not a directory; 9 into itself; 10 not a regular file
 * (a fifo, whose open would block: checked before {@code cat} opens it); 11 an archive link points
 * outside the workspace from where its directory really is (stderr: the link); anything else is a
 * failure whose stderr says why. Needs a POSIX sh with {@code readlink -f}, {@code stat -c}, {@code
 * head -c}, {@code tar}, {@code mv}: busybox or coreutils.
 */
final class FilesScript {
  private FilesScript() {}

  /** The {@code sh -c} line that reads a script of {@code scriptBytes} from stdin and runs it. */
  static String loader(int scriptBytes) {
    return "eval \"$(dd bs=1 count=" + scriptBytes + " 2>/dev/null)\"";
  }

  static final String SCRIPT =
      """
      op=$1; R=$2; shift 2
      inside() { case "$1" in "$R"|"$R"/*) return 0;; esac; return 1; }
      res() {
        P=$R; rest=$1
        while [ -n "$rest" ]; do
          case "$rest" in */*) seg=${rest%%/*}; rest=${rest#*/};; *) seg=$rest; rest=;; esac
          c=$P/$seg
          if [ -L "$c" ] && { [ -n "$rest" ] || [ "$2" = 1 ]; }; then
            t=$(readlink -f "$c") || exit 3
            inside "$t" || exit 3
            P=$t
          elif [ -e "$c" ] || [ -L "$c" ]; then
            P=$c
          else
            P=$c${rest:+/$rest}; return 0
          fi
        done
      }
      there() { [ -e "$1" ] || [ -L "$1" ]; }
      lnk() {
        P=$1; rest=$2
        while [ -n "$rest" ]; do
          case "$rest" in */*) seg=${rest%%/*}; rest=${rest#*/};; *) seg=$rest; rest=;; esac
          case "$seg" in
          ''|.) ;;
          ..) [ "$P" = "$R" ] && return 1; P=${P%/*};;
          *) c=$P/$seg
            if [ -L "$c" ]; then
              t=$(readlink -f "$c") || return 1; inside "$t" || return 1; P=$t
            else P=$c; fi;;
          esac
        done
        inside "$P"
      }
      case "$op" in
      stat)
        res "$1" 0; there "$P" || exit 2; exec stat -c '%f %s %Y' "$P";;
      read)
        res "$1" 1; [ -e "$P" ] || exit 2; [ -d "$P" ] && exit 4; [ -f "$P" ] || exit 10
        [ "$(stat -c %s "$P")" -gt "$2" ] && exit 5; exec cat "$P";;
      write)
        res "$1" 1; [ -d "$P" ] && exit 4; [ -e "$P" ] && [ ! -f "$P" ] && exit 10
        d=${P%/*}; mkdir -p "$d" || exit 1
        if [ -f "$P" ]; then m=$(stat -c %a "$P"); else m=644; fi
        t="$d/.berth-write-$$"
        if head -c "$2" > "$t" && [ "$(stat -c %s "$t")" = "$2" ] && chmod "$m" "$t" \\
          && mv -f "$t" "$P"; then exit 0; fi
        rm -f "$t"; exit 1;;
      list)
        res "$1" 1; [ -e "$P" ] || exit 2; [ -d "$P" ] || exit 8
        for f in "$P"/* "$P"/.[!.]* "$P"/..?*; do
          if there "$f"; then stat -c '%f %s %Y' "$f" || exit 1; printf '%s\\0' "${f##*/}"; fi
        done;;
      delete)
        res "$1" 0; there "$P" || exit 2
        if [ -d "$P" ] && [ ! -L "$P" ]; then
          if [ "$2" = 1 ]; then rm -rf "$P"; else rmdir "$P" 2>/dev/null || exit 6; fi
        else rm -f "$P"; fi;;
      move)
        res "$1" 0; S=$P; there "$S" || exit 2; res "$2" 0; D=$P; there "$D" && exit 7
        case "$D" in "$S"/*) exit 9;; esac
        mkdir -p "${D%/*}" && exec mv -n "$S" "$D";;
      mkdir)
        res "$1" 1; if there "$P"; then [ -d "$P" ] || exit 7; exit 0; fi; exec mkdir -p "$P";;
      cwd)
        res "$1" 1; [ -d "$P" ] || exit 8; printf '%s' "$P";;
      get)
        res "$1" 1; there "$P" || exit 2
        if [ "$P" = "$R" ]; then cd "$R" && exec tar -cf - .; fi
        cd "${P%/*}" && exec tar -cf - "${P##*/}";;
      exists)
        set -f; list=$(dd bs=1 count="$1" 2>/dev/null); IFS='
      '
        for p in $list; do res "$p" 0; there "$P" && printf '%s\\0' "$p"; done; exit 0;;
      put)
        dir=$1; n=$2; set -f; list=$(dd bs=1 count="$3" 2>/dev/null); o=$IFS; IFS='
      '
        ln=; for e in $list; do
          case "$e" in L:*) ln=${e#L:}; continue;; esac
          res "${e#?:}" "${e%%:*}"
          if [ -n "$ln" ]; then
            lnk "${P%/*}" "$ln" || { printf '%s -> %s' "${e#?:}" "$ln" >&2; exit 11; }; ln=
          fi
        done; IFS=$o
        res "$dir" 1; D=$P; mkdir -p "$D" || exit 1
        head -c "$n" | tar -x -o -f - -C "$D";;
      *) echo "unknown operation $op" >&2; exit 1;;
      esac
      """;
}
