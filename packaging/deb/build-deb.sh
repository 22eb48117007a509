#!/usr/bin/env bash
# Builds the cartrelay Debian package and lints it.
#
#   packaging/deb/build-deb.sh [--snapshot] [--incremental] [--pedantic]
#
# 1. checks that debian/control's Build-Depends name exactly the packages
#    tagged "build" and "test" in scripts/deps.txt, that the changelog version
#    equals project(VERSION) in CMakeLists.txt, and the maintainer scripts;
# 2. copies packaging/deb/debian/ to <source root>/debian (gitignored), which
#    is removed again on exit, success or not;
# 3. runs dpkg-buildpackage -us -uc -b -j2; the build tree is build/deb/,
#    removed after a successful build (kept after a failure, for inspection);
# 4. writes cartrelay_*.deb, cartrelay-dbgsym_*.deb, .buildinfo and .changes
#    into packaging/deb/out/ (nothing is written to the parent directory);
# 5. runs lintian on the .debs: fails on any error, prints warnings and info.
#
# --snapshot     build the committed HEAD (git archive into a temporary
#                directory) instead of the working tree, which other people
#                may be editing; ../shared is linked next to it for the tests.
# --incremental  reuse build/deb/ from the previous run and keep it afterwards.
# --pedantic     also show lintian's pedantic tags (never fatal).
# DEB_BUILD_OPTIONS=nocheck skips the test suite (and its build dependencies).
# Works as root or as a normal user (Rules-Requires-Root: no, no fakeroot).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "${here}/../.." && pwd)
out="${here}/out"
snapshot=0
incremental=0
pedantic=0
for arg in "$@"; do
  case "${arg}" in
    --snapshot) snapshot=1 ;;
    --incremental) incremental=1 ;;
    --pedantic) pedantic=1 ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "build-deb: unknown argument: ${arg}" >&2; exit 2 ;;
  esac
done

say() { echo "build-deb: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

for tool in dpkg-buildpackage dpkg-parsechangelog dpkg-architecture lintian perl flock; do
  command -v "${tool}" >/dev/null || die "${tool} not found; run scripts/install-deps.sh package"
done
started=${SECONDS}

# One build at a time per checkout: they share debian/, build/deb and out/.
mkdir -p "${root}/build"
exec 9>"${root}/build/.build-deb.lock"
flock -w 5 9 || die "another build-deb.sh is running in ${root}"

# --- the source tree to build ------------------------------------------------
src=${root}
snapdir=""
staged=""
build_ok=0
cleanup() {
  [[ -z "${staged}" ]] || rm -rf "${staged}"
  if ((build_ok && !incremental)); then
    rm -rf "${src}/build/deb"
  elif ((!build_ok)) && [[ -d "${src}/build/deb" ]]; then
    say "build tree kept for inspection: ${src}/build/deb"
  fi
  if [[ -n "${snapdir}" ]]; then
    ((build_ok)) && rm -rf "${snapdir}"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ((snapshot)); then
  command -v git >/dev/null || die "git not found"
  rev=$(git -C "${root}" rev-parse --short HEAD) || die "--snapshot needs a git checkout"
  snapdir=$(mktemp -d "${TMPDIR:-/tmp}/cartrelay-deb.XXXXXX")
  src="${snapdir}/cartrelay"
  mkdir "${src}"
  git -C "${root}" archive --format=tar HEAD | tar -x -C "${src}"
  # The tests read ../shared/fixtures relative to the source root.
  [[ ! -d "${root}/../shared" ]] || ln -s "$(cd "${root}/../shared" && pwd)" "${snapdir}/shared"
  say "building the committed HEAD ${rev} in ${src}"
  ((incremental)) && { say "--incremental has no effect with --snapshot"; incremental=0; }
fi
pkg="${src}/packaging/deb"

# --- 1. consistency checks ---------------------------------------------------
# Package names of a control file's Build-Depends* fields, one per line.
# Dpkg::Control::Info understands the comment lines; versions, architecture
# lists and build profiles are dropped; alternatives are not allowed.
control_build_deps() {
  perl -MDpkg::Control::Info -e '
    my $src = Dpkg::Control::Info->new($ARGV[0])->get_source;
    for my $field (qw(Build-Depends Build-Depends-Arch Build-Depends-Indep)) {
      next unless defined $src->{$field};
      for my $dep (split /,/, $src->{$field}) {
        $dep =~ s/^\s+|\s+$//g;
        next unless length $dep;
        die "build-deb: alternatives are not allowed in $field: $dep\n" if $dep =~ /\|/;
        my ($name) = $dep =~ /^([a-z0-9][a-z0-9+.-]*)/
          or die "build-deb: cannot parse $field entry: $dep\n";
        print "$name\n";
      }
    }' "$1"
}

check_deps() {
  local control="${pkg}/debian/control" deps="${src}/scripts/deps.txt"
  [[ -f "${deps}" ]] || die "missing scripts/deps.txt"
  local want have dups only_txt only_control
  want=$(awk '$1 == "build" || $1 == "test" { print $2 }' "${deps}" | sort)
  have=$(control_build_deps "${control}" | grep -vx 'debhelper-compat' | sort)
  dups=$(uniq -d <<<"${have}")
  [[ -z "${dups}" ]] || die "debian/control lists a build dependency twice: ${dups//$'\n'/ }"
  only_txt=$(comm -23 <(sort -u <<<"${want}") <(sort -u <<<"${have}"))
  only_control=$(comm -13 <(sort -u <<<"${want}") <(sort -u <<<"${have}"))
  if [[ -n "${only_txt}" || -n "${only_control}" ]]; then
    say "debian/control Build-Depends and scripts/deps.txt (tags build, test) disagree:"
    [[ -z "${only_txt}" ]] || say "  only in scripts/deps.txt: ${only_txt//$'\n'/ }"
    [[ -z "${only_control}" ]] || say "  only in debian/control:   ${only_control//$'\n'/ }"
    die "packaging/deb/debian/control and scripts/deps.txt must list the same packages"
  fi
  say "Build-Depends match scripts/deps.txt ($(wc -l <<<"${have}") packages + debhelper-compat)"
}

check_version() {
  local cmake_version
  version=$(dpkg-parsechangelog -l "${pkg}/debian/changelog" -S Version)
  cmake_version=$(sed -n 's/^project(cartrelay VERSION \([0-9.]*\).*/\1/p' "${src}/CMakeLists.txt")
  [[ -n "${cmake_version}" ]] || die "cannot find project(cartrelay VERSION x.y.z) in CMakeLists.txt"
  # A native package has no Debian revision: the two versions must be equal.
  [[ "${version}" == "${cmake_version}" ]] ||
    die "debian/changelog says ${version}, CMakeLists.txt says ${cmake_version}; add a changelog entry (dch -v ${cmake_version})"
}

# debhelper replaces every "#DEBHELPER#", even one inside a comment: exactly
# one, on a line of its own, per maintainer script.
check_scripts() {
  local script name
  for script in "${pkg}"/debian/*.{preinst,postinst,prerm,postrm}; do
    [[ -f "${script}" ]] || continue
    name=${script#"${src}"/}
    [[ $(grep -c '#DEBHELPER#' "${script}") -eq 1 && $(grep -cx '#DEBHELPER#' "${script}") -eq 1 ]] ||
      die "${name}: #DEBHELPER# must appear exactly once, alone on its line"
    sh -n "${script}" || die "${name}: shell syntax error"
  done
}

check_deps
check_version
check_scripts
arch=$(dpkg-architecture -qDEB_HOST_ARCH)

# --- 2. stage debian/ --------------------------------------------------------
marker=".staged-by-build-deb"
if [[ -e "${src}/debian" ]]; then
  # Only a leftover of an earlier run (killed before its cleanup) is removed.
  [[ -e "${src}/debian/${marker}" ]] || die "${src}/debian exists and was not staged by this script"
  rm -rf "${src}/debian"
fi
staged="${src}/debian"
cp -a "${pkg}/debian" "${staged}"
touch "${staged}/${marker}"
((incremental)) || rm -rf "${src}/build/deb"

# --- 3. build ----------------------------------------------------------------
# --no-pre-clean: build/deb was just removed (or is reused on purpose), and
# dh_clean would otherwise delete editor backups and the like tree-wide.
# The packages, .buildinfo and .changes go straight to out/ (debian/rules
# passes CARTRELAY_DEB_DESTDIR to dh_builddeb; -u tells dpkg-genbuildinfo and
# dpkg-genchanges where to find them).
mkdir -p "${out}"
stem="cartrelay_${version}_${arch}"
rm -f "${out}/${stem}".* "${out}/cartrelay-dbgsym_${version}_${arch}.deb"
bp_args=(-us -uc -b -j2 --no-pre-clean
  "--buildinfo-file=${out}/${stem}.buildinfo" "--buildinfo-option=-u${out}"
  "--changes-file=${out}/${stem}.changes" "--changes-option=-u${out}")
if [[ " ${DEB_BUILD_OPTIONS:-} " == *" nocheck "* ]]; then
  bp_args+=(-Pnocheck)
fi
say "dpkg-buildpackage -us -uc -b -j2 --no-pre-clean (DEB_BUILD_OPTIONS='${DEB_BUILD_OPTIONS:-}')"
(cd "${src}" && CARTRELAY_DEB_DESTDIR="${out}" dpkg-buildpackage "${bp_args[@]}")

# --- 4. results --------------------------------------------------------------
deb="${out}/${stem}.deb"
[[ -f "${deb}" ]] || die "dpkg-buildpackage did not produce ${deb#"${root}"/}"
results=()
for f in "${deb}" "${out}/cartrelay-dbgsym_${version}_${arch}.deb" "${out}/${stem}.buildinfo" \
  "${out}/${stem}.changes"; do
  [[ ! -f "${f}" ]] || results+=("${f}")
done
build_ok=1

# --- 5. lintian --------------------------------------------------------------
lintian_args=(--fail-on error --display-info --tag-display-limit 0)
((!pedantic)) || lintian_args+=(--pedantic)
debs=("${deb}")
dbgsym="${out}/cartrelay-dbgsym_${version}_${arch}.deb"
[[ ! -f "${dbgsym}" ]] || debs+=("${dbgsym}")
say "lintian ${lintian_args[*]} ${debs[*]##*/}"
lint_log=$(mktemp)
lint_rc=0
lintian "${lintian_args[@]}" "${debs[@]}" >"${lint_log}" 2>&1 || lint_rc=$?
grep -v '^running with root privileges is not recommended!$' "${lint_log}" || true
errors=$(grep -c '^E: ' "${lint_log}" || true)
warnings=$(grep -c '^W: ' "${lint_log}" || true)
rm -f "${lint_log}"
if ((lint_rc != 0 || errors > 0)); then
  build_ok=0
  die "lintian: ${errors} error(s), ${warnings} warning(s) (exit ${lint_rc})"
fi
say "lintian: 0 errors, ${warnings} warning(s)"

say "built in $((SECONDS - started)) s:"
for f in "${results[@]}"; do say "  ${f#"${root}"/}"; done
