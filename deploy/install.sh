#!/usr/bin/env bash
# Thân Thiện on bare metal: Raspberry Pi OS (Debian 12 bookworm, arm64), run as root from a clone of
# the repository. The hub with InfluxDB and Grafana, or one device program on its board
# (docs/operations.md). Running it again upgrades: the code is copied and built again and the
# services restarted; the site config, the env files and every secret are kept.
set -euo pipefail
# The ERR trap below must fire inside functions too.
set -o errtrace
# The service's user reads the code and the build, whatever umask sudo passed on.
umask 022

readonly PREFIX=/opt/thanthien
readonly CONFIG_DIR=/etc/thanthien
readonly DATA_DIR=/var/lib/thanthien
readonly SERVICE_USER=thanthien
readonly NODE24=$PREFIX/node_modules/.bin/node
readonly UNIT_DIR=/etc/systemd/system
readonly CLI_LINK=/usr/local/bin/thanthien
readonly DEVICE_KINDS=(speaker rating-button presence-sensor)
readonly INFLUX_DROP_IN=$UNIT_DIR/influxdb.service.d/thanthien.conf
readonly GRAFANA_KEY_URL=https://apt.grafana.com/gpg.key
readonly GRAFANA_KEYRING=/etc/apt/keyrings/grafana.gpg
readonly GRAFANA_LIST=/etc/apt/sources.list.d/grafana.list
readonly GRAFANA_DEFAULTS=/etc/default/grafana-server
readonly GRAFANA_PROVISIONING=/etc/grafana/provisioning
readonly GRAFANA_DASHBOARDS=/var/lib/grafana/dashboards/thanthien
readonly GRAFANA_PASSWORD_FILE=$CONFIG_DIR/grafana-admin-password
readonly BLOCK_BEGIN='# >>> thanthien: deploy/install.sh writes this block, keep it as it is >>>'
readonly BLOCK_END='# <<< thanthien <<<'

SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly SOURCE_DIR
DRY_RUN=${DRY_RUN:-}
# apt and dpkg must never stop to ask: the script may run over ssh without a terminal.
export DEBIAN_FRONTEND=noninteractive

usage() {
  cat <<'EOF'
Cách dùng: sudo deploy/install.sh [--no-grafana]
           sudo deploy/install.sh --device speaker|rating-button|presence-sensor [--provision TỆP]

Cài hoặc nâng cấp Thân Thiện trên Raspberry Pi OS (Debian 12, arm64), chạy từ một bản sao kho mã.
Mặc định là trạm: InfluxDB, trạm (thanthien.service) và Grafana. Chạy lại để nâng cấp: mã được chép
và dựng lại, dịch vụ khởi động lại; /etc/thanthien/site.yaml, thanthien.env và mật khẩu được giữ nguyên.

  --no-grafana          không cài Grafana
  --device LOẠI         cài chương trình của một thiết bị thay cho trạm: speaker (loa),
                        rating-button (hộp nút đánh giá), presence-sensor (cảm biến có mặt)
  --provision TỆP       tệp cấp phát của thiết bị (từ "thanthien device add"); bắt buộc lần cài đầu
  -h, --help            in hướng dẫn này, không thay đổi gì

Biến môi trường: GRAFANA_ADMIN_PASSWORD (mật khẩu admin Grafana; không có thì tạo một lần, lưu ở
/etc/thanthien/grafana-admin-password), DRY_RUN=1 (chỉ in các lệnh sẽ chạy, không thay đổi gì).

Usage: sudo deploy/install.sh [--no-grafana]
       sudo deploy/install.sh --device speaker|rating-button|presence-sensor [--provision FILE]

Installs or upgrades Thân Thiện on Raspberry Pi OS (Debian 12, arm64), run from a clone of the
repository. The default is the hub: InfluxDB, the hub (thanthien.service) and Grafana. Run it again
to upgrade: the code is copied and built again, the services restarted; /etc/thanthien/site.yaml,
thanthien.env and the passwords are kept.

  --no-grafana          do not install Grafana
  --device KIND         install one device's program instead of the hub: speaker (loudspeaker),
                        rating-button (rating box), presence-sensor (desk presence sensor)
  --provision FILE      the device's provisioning file (from "thanthien device add"); needed the first time
  -h, --help            print this help, change nothing

Environment: GRAFANA_ADMIN_PASSWORD (Grafana's admin password; without it one is made once and kept in
/etc/thanthien/grafana-admin-password), DRY_RUN=1 (print the commands that would run, change nothing).
EOF
}

# A wrong command line: what was wrong, and where the help is. Exit 2, nothing changed.
usage_error() {
  printf 'Lỗi: %s\nError: %s\nXem / See: deploy/install.sh --help\n' "$1" "$2" >&2
  exit 2
}

# A failure the script detected itself: what failed, and what to do.
fail() {
  printf 'Lỗi: %s\nError: %s\n' "$1" "$2" >&2
  exit 1
}

warn() {
  printf 'Cảnh báo: %s\nWarning: %s\n' "$1" "$2" >&2
}

current_step='chuẩn bị / preparing'
step() {
  current_step="$1 / $2"
  printf '==> %s\n' "$current_step"
}

on_error() {
  local status=$1 command=$2
  printf 'Lỗi: bước "%s" không xong: lệnh "%s" trả về %s.\n' "$current_step" "$command" "$status" >&2
  printf 'Error: step "%s" failed: "%s" exited with %s.\n' "$current_step" "$command" "$status" >&2
  printf 'Sửa nguyên nhân ở trên rồi chạy lại script: mỗi bước đều chạy lại được.\n' >&2
  printf 'Fix the cause shown above and run the script again: every step is safe to repeat.\n' >&2
}
trap 'on_error "$?" "$BASH_COMMAND"' ERR

dry_run() {
  [[ -n $DRY_RUN && $DRY_RUN != 0 ]]
}

# Every command that changes the system goes through here, so DRY_RUN=1 shows them all.
run() {
  if dry_run; then
    printf '+%s\n' "$(printf ' %q' "$@")"
  else
    "$@"
  fi
}

run_with_input() {
  local input=$1
  shift
  if dry_run; then
    printf '+%s < %q\n' "$(printf ' %q' "$@")" "$input"
  else
    "$@" <"$input"
  fi
}

# Stdin into a file, atomically: a power cut leaves the old file or the new one, never half.
write_file() {
  local dest=$1 mode=$2 owner=$3 group=$4 visibility=${5:-shown} content tmp
  content=$(cat)
  if dry_run; then
    printf "+ install -m %s -o %s -g %s /dev/stdin %q <<'EOF'\n" "$mode" "$owner" "$group" "$dest"
    if [[ $visibility == secret ]]; then
      echo '(bí mật, không in / a secret, not shown)'
    elif [[ -n $content ]]; then
      printf '%s\n' "$content"
    fi
    echo EOF
    return 0
  fi
  tmp=$(mktemp "$dest.XXXXXX")
  if [[ -n $content ]]; then
    printf '%s\n' "$content" >"$tmp"
  fi
  chown "$owner:$group" "$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$dest"
}

is_active() {
  systemctl is-active --quiet "$1" 2>/dev/null
}

require_source_file() {
  [[ -f $SOURCE_DIR/$1 ]] ||
    fail "không thấy $SOURCE_DIR/$1: hãy chạy script từ một bản sao đầy đủ của kho mã" \
      "$SOURCE_DIR/$1 is missing: run the script from a complete clone of the repository"
}

# The "kind" of a provisioning file, or nothing when it is not one.
provision_kind() {
  local content
  content=$(<"$1")
  if [[ $content == *'"secret"'* && $content =~ \"kind\"[[:space:]]*:[[:space:]]*\"([a-z-]+)\" ]]; then
    printf '%s' "${BASH_REMATCH[1]}"
  fi
}

# --- the command line --------------------------------------------------------------------------

for arg in "$@"; do
  if [[ $arg == -h || $arg == --help ]]; then
    usage
    exit 0
  fi
done

device_kind=''
provision_file=''
with_grafana=1
while (($# > 0)); do
  case $1 in
    --no-grafana) with_grafana=0 ;;
    --device)
      (($# >= 2)) || usage_error '--device cần một loại thiết bị' '--device needs a device kind'
      device_kind=$2
      shift
      ;;
    --device=*) device_kind=${1#*=} ;;
    --provision)
      (($# >= 2)) || usage_error '--provision cần một tệp' '--provision needs a file'
      provision_file=$2
      shift
      ;;
    --provision=*) provision_file=${1#*=} ;;
    *) usage_error "tùy chọn không rõ: $1" "unknown option: $1" ;;
  esac
  shift
done

if [[ -n $device_kind ]]; then
  [[ " ${DEVICE_KINDS[*]} " == *" $device_kind "* ]] ||
    usage_error "loại thiết bị không rõ: $device_kind (chọn: ${DEVICE_KINDS[*]})" \
      "unknown device kind: $device_kind (one of: ${DEVICE_KINDS[*]})"
  ((with_grafana == 1)) ||
    usage_error '--no-grafana chỉ dùng cho trạm, không cho --device' '--no-grafana is for the hub, not with --device'
elif [[ -n $provision_file ]]; then
  usage_error '--provision chỉ dùng cùng --device' '--provision goes with --device'
fi

# --- checks before anything changes ------------------------------------------------------------

require_source_file package.json
require_source_file package-lock.json
require_source_file bin/thanthien.mjs
if [[ -n $device_kind ]]; then
  unit=thanthien-$device_kind.service
  require_source_file "deploy/systemd/$unit"
  installed_provision=$CONFIG_DIR/device.thanthien.json
  if [[ -n $provision_file ]]; then
    [[ -f $provision_file && -r $provision_file ]] ||
      usage_error "không đọc được tệp cấp phát $provision_file" "cannot read the provisioning file $provision_file"
    provision_file=$(realpath -- "$provision_file")
    file_to_check=$provision_file
  elif [[ -r $installed_provision ]]; then
    # An upgrade: the board keeps the file it has.
    file_to_check=$installed_provision
  else
    usage_error "--device cần --provision TỆP lần cài đầu: tệp của thiết bị từ \"thanthien device add\"" \
      "--device needs --provision FILE the first time: the device's file from \"thanthien device add\""
  fi
  kind_in_file=$(provision_kind "$file_to_check")
  [[ -n $kind_in_file ]] ||
    usage_error "$file_to_check không phải tệp cấp phát thiết bị (thiếu \"kind\" hoặc \"secret\")" \
      "$file_to_check is not a device provisioning file (no \"kind\" or \"secret\")"
  [[ $kind_in_file == "$device_kind" ]] ||
    usage_error "tệp cấp phát là của một $kind_in_file, không phải $device_kind" \
      "the provisioning file is for a $kind_in_file, not a $device_kind"
else
  unit=thanthien.service
  require_source_file "deploy/systemd/$unit"
  require_source_file provisioning/site.example.yaml
  if ((with_grafana == 1)); then
    require_source_file provisioning/grafana/grafana.env
    for pattern in 'provisioning/grafana/datasources/*.yaml' 'provisioning/grafana/dashboards/*.yaml' 'dashboards/*.json'; do
      compgen -G "$SOURCE_DIR/$pattern" >/dev/null ||
        fail "không thấy tệp nào khớp $SOURCE_DIR/$pattern: hãy chạy từ một bản sao đầy đủ của kho mã" \
          "no file matches $SOURCE_DIR/$pattern: run from a complete clone of the repository"
    done
  fi
fi

if ! dry_run; then
  ((EUID == 0)) || fail 'cần quyền root: sudo deploy/install.sh …' 'must run as root: sudo deploy/install.sh …'
  for tool in apt-get dpkg systemctl; do
    command -v "$tool" >/dev/null ||
      fail "không có $tool: script dành cho Debian/Raspberry Pi OS có systemd" \
        "$tool is missing: the script is for Debian / Raspberry Pi OS with systemd"
  done
fi
if command -v dpkg >/dev/null && [[ $(dpkg --print-architecture) != arm64 ]]; then
  warn "máy này là $(dpkg --print-architecture), script được viết cho Raspberry Pi OS arm64" \
    "this machine is $(dpkg --print-architecture); the script is written for Raspberry Pi OS arm64"
fi

# --- the steps, shared by the hub and the devices ----------------------------------------------

install_packages() {
  step "Cài gói Debian: $*" "Installing Debian packages: $*"
  run apt-get update -q
  # A config file edited here (e.g. /etc/default/grafana-server) is kept on upgrades, never asked about.
  run apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

base_packages() {
  packages=(nodejs rsync ca-certificates)
  # NodeSource's nodejs carries npm and conflicts with Debian's npm package: add it only when missing.
  command -v npm >/dev/null || packages+=(npm)
}

create_user() {
  step "Người dùng hệ thống $SERVICE_USER" "System user $SERVICE_USER"
  if getent passwd "$SERVICE_USER" >/dev/null; then
    echo "    đã có / already there"
    return 0
  fi
  local group_option=--user-group
  if getent group "$SERVICE_USER" >/dev/null; then
    group_option=--gid=$SERVICE_USER
  fi
  run useradd --system "$group_option" --home-dir "$DATA_DIR" --no-create-home \
    --shell /usr/sbin/nologin "$SERVICE_USER"
}

copy_code() {
  if [[ $SOURCE_DIR == "$(realpath -m "$PREFIX")" ]]; then
    step "Mã đã ở $PREFIX, không cần chép" "The code is already in $PREFIX: nothing to copy"
    return 0
  fi
  step "Chép mã vào $PREFIX" "Copying the code to $PREFIX"
  run install -d -m 0755 "$PREFIX"
  # Owned by root, not writable by the services; what the build makes and the data stay out.
  run rsync -a --delete --chown=root:root --chmod=go+rX,go-w \
    --exclude=/node_modules --exclude=/dist --exclude=/data --exclude=/data-demo --exclude=/.git \
    "$SOURCE_DIR/" "$PREFIX/"
}

# The program runs from node_modules, which npm ci deletes and writes anew: stop it first.
stop_for_upgrade() {
  if is_active "$1"; then
    step "Dừng $1 trong lúc nâng cấp" "Stopping $1 during the upgrade"
    run systemctl stop "$1"
  fi
}

build() {
  # Never `npm prune --omit=dev`: Node 24 itself is the `node` devDependency.
  step "npm ci: các gói và Node 24 ($NODE24)" "npm ci: the packages and Node 24 ($NODE24)"
  run env --chdir="$PREFIX" npm ci --no-audit --no-fund
  step "npm run build: TypeScript thành JavaScript trong $PREFIX/dist" \
    "npm run build: TypeScript to JavaScript in $PREFIX/dist"
  run env --chdir="$PREFIX" npm run build
}

# What the unit starts must exist: Node 24 and the compiled program named in its ExecStart.
check_build() {
  local unit_text program version
  unit_text=$(<"$SOURCE_DIR/deploy/systemd/$unit")
  [[ $unit_text =~ (dist/[^[:space:]]+\.js) ]] ||
    fail "deploy/systemd/$unit không chạy chương trình nào trong dist/" \
      "deploy/systemd/$unit starts no program from dist/: fix the unit"
  program=$PREFIX/${BASH_REMATCH[1]}
  step "Kiểm tra bản dựng: $NODE24, $program" "Checking the build: $NODE24, $program"
  dry_run && return 0
  version=$("$NODE24" --version 2>/dev/null) || version=none
  [[ $version == v24.* ]] ||
    fail "$NODE24 không phải Node 24 ($version): npm ci chưa cài xong gói \"node\"" \
      "$NODE24 is not Node 24 ($version): npm ci did not install the \"node\" package; run the script again"
  [[ -f $program ]] ||
    fail "bản dựng thiếu $program" "the build did not make $program; run the script again"
}

make_config_dir() {
  step "Thư mục cấu hình $CONFIG_DIR" "Config folder $CONFIG_DIR"
  run install -d -o root -g "$SERVICE_USER" -m 0750 "$CONFIG_DIR"
}

make_data_dir() {
  step "Thư mục dữ liệu $DATA_DIR" "Data folder $DATA_DIR"
  run install -d -o "$SERVICE_USER" -g "$SERVICE_USER" -m 0700 "$DATA_DIR"
  # A first run by hand as root (docs/operations.md) leaves files the service could not write.
  run chown -R "$SERVICE_USER:$SERVICE_USER" "$DATA_DIR"
}

install_unit() {
  step "Cài dịch vụ $UNIT_DIR/$unit" "Installing the service $UNIT_DIR/$unit"
  run install -m 0644 -o root -g root "$SOURCE_DIR/deploy/systemd/$unit" "$UNIT_DIR/$unit"
  run systemctl daemon-reload
}

# --- the hub -----------------------------------------------------------------------------------

hub_config() {
  make_config_dir
  if [[ -e $CONFIG_DIR/site.yaml ]]; then
    echo "    giữ nguyên / kept: $CONFIG_DIR/site.yaml"
  else
    site_config_new=1
    run install -m 0640 -o root -g "$SERVICE_USER" "$SOURCE_DIR/provisioning/site.example.yaml" "$CONFIG_DIR/site.yaml"
  fi
  local env_file=$CONFIG_DIR/thanthien.env
  if [[ -e $env_file ]]; then
    echo "    giữ nguyên / kept: $env_file"
    if [[ -r $env_file ]] && ! grep -q '^TT_INFLUX_URL=.' "$env_file"; then
      warn "$env_file không có TT_INFLUX_URL: sự kiện chỉ chờ trong outbox; thêm TT_INFLUX_URL=http://127.0.0.1:8086/thanthien" \
        "$env_file has no TT_INFLUX_URL: events only wait in the outbox; add TT_INFLUX_URL=http://127.0.0.1:8086/thanthien"
    fi
  else
    write_file "$env_file" 0640 root "$SERVICE_USER" <<EOF
# The hub's environment (docs/operations.md, Environment); deploy/install.sh never overwrites it.
TT_CONFIG=$CONFIG_DIR/site.yaml
TT_DATA_DIR=$DATA_DIR
TT_INFLUX_URL=http://127.0.0.1:8086/thanthien
EOF
  fi
}

# Debian's InfluxDB listens on every address with no users: only this machine may reach it, as in
# docker-compose.yml (the hub and Grafana use 127.0.0.1).
influx_local_only() {
  step "InfluxDB chỉ nghe trên 127.0.0.1:8086" "InfluxDB listens on 127.0.0.1:8086 only"
  local content
  content="# deploy/install.sh: InfluxDB has no users here, so only this machine reaches it.
[Service]
Environment=INFLUXDB_HTTP_BIND_ADDRESS=127.0.0.1:8086"
  if [[ -r $INFLUX_DROP_IN && $(<"$INFLUX_DROP_IN") == "$content" ]]; then
    return 0
  fi
  influx_changed=1
  run install -d -m 0755 "$(dirname "$INFLUX_DROP_IN")"
  write_file "$INFLUX_DROP_IN" 0644 root root <<<"$content"
}

install_hub() {
  base_packages
  # espeak-ng speaks the radio's bulletins; timedatectl (systemd) arms the radio; sqlite3 makes backups.
  install_packages "${packages[@]}" influxdb sqlite3 espeak-ng mosquitto-clients curl gpg
  create_user
  copy_code
  stop_for_upgrade thanthien
  build
  check_build
  hub_config
  make_data_dir
  step "Lệnh thanthien: $CLI_LINK" "The thanthien command: $CLI_LINK"
  run ln -sfn "$PREFIX/bin/thanthien.mjs" "$CLI_LINK"
  influx_local_only
  install_unit
  if [[ -n ${influx_changed:-} ]]; then
    run systemctl restart influxdb
  fi
  step "Bật và chạy InfluxDB và trạm" "Enabling and starting InfluxDB and the hub"
  run systemctl enable --now influxdb thanthien
}

# --- Grafana -----------------------------------------------------------------------------------

grafana_repository() {
  step "Kho APT của Grafana: $GRAFANA_LIST" "Grafana's APT repository: $GRAFANA_LIST"
  run install -d -m 0755 "$(dirname "$GRAFANA_KEYRING")"
  # Fetched each time, so a key Grafana rotates is picked up by the next run.
  run curl -fsSL --proto =https -o "$GRAFANA_KEYRING.download" "$GRAFANA_KEY_URL"
  run gpg --batch --yes --dearmor -o "$GRAFANA_KEYRING" "$GRAFANA_KEYRING.download"
  run rm -f "$GRAFANA_KEYRING.download"
  write_file "$GRAFANA_LIST" 0644 root root \
    <<<"deb [signed-by=$GRAFANA_KEYRING] https://apt.grafana.com stable main"
}

grafana_provisioning() {
  step "Nguồn dữ liệu và bảng điều khiển cho Grafana" "Grafana's data source and dashboards"
  local kind file
  for kind in datasources dashboards; do
    run install -d -o root -g grafana -m 0755 "$GRAFANA_PROVISIONING/$kind"
    for file in "$SOURCE_DIR/provisioning/grafana/$kind"/*.yaml; do
      run install -m 0640 -o root -g grafana "$file" "$GRAFANA_PROVISIONING/$kind/"
    done
  done
  run install -d -o grafana -g grafana -m 0755 "$GRAFANA_DASHBOARDS"
  # --delete: a dashboard renamed or removed in dashboards/ leaves no stale copy behind.
  run rsync -r --delete --chown=grafana:grafana --chmod=D0755,F0644 --include='*.json' --exclude='*' \
    "$SOURCE_DIR/dashboards/" "$GRAFANA_DASHBOARDS/"
}

# grafana.env's settings, each value in single quotes: the grafana package's scripts source this
# file with sh, where an unquoted value with a space ("DD/MM/YYYY HH:mm:ss") would run a command.
grafana_env_block() {
  local line key value
  printf '%s\n' "$BLOCK_BEGIN"
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ -z ${line//[[:space:]]/} || $line == \#* ]]; then
      printf '%s\n' "$line"
      continue
    fi
    key=${line%%=*}
    value=${line#*=}
    [[ $line == *=* && $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ && $value != *\'* ]] ||
      fail "provisioning/grafana/grafana.env: không hiểu dòng: $line" \
        "provisioning/grafana/grafana.env: cannot carry this line (KEY=value, no single quote): $line"
    printf "%s='%s'\n" "$key" "$value"
  done <"$SOURCE_DIR/provisioning/grafana/grafana.env"
  echo '# Read by provisioning/grafana/datasources/*.yaml.'
  echo "THANTHIEN_INFLUX_URL='http://127.0.0.1:8086'"
  printf '%s\n' "$BLOCK_END"
}

grafana_settings() {
  step "Cài đặt Grafana trong $GRAFANA_DEFAULTS" "Grafana's settings in $GRAFANA_DEFAULTS"
  local kept='' block
  if [[ -r $GRAFANA_DEFAULTS ]]; then
    kept=$(awk -v begin="$BLOCK_BEGIN" -v end="$BLOCK_END" \
      '$0 == begin { inside = 1 } !inside { print } $0 == end { inside = 0 }' "$GRAFANA_DEFAULTS")
  fi
  block=$(grafana_env_block)
  write_file "$GRAFANA_DEFAULTS" 0644 root root <<<"${kept:+$kept
}$block"
}

grafana_password() {
  if [[ -n ${GRAFANA_ADMIN_PASSWORD:-} ]]; then
    step "Mật khẩu admin Grafana từ GRAFANA_ADMIN_PASSWORD" "Grafana's admin password from GRAFANA_ADMIN_PASSWORD"
    grafana_password_new=$GRAFANA_ADMIN_PASSWORD
  elif [[ -s $GRAFANA_PASSWORD_FILE ]]; then
    step "Mật khẩu admin Grafana giữ nguyên" "Grafana's admin password unchanged"
    return 0
  else
    step "Tạo mật khẩu admin Grafana" "Making Grafana's admin password"
    grafana_password_new=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
  fi
  printf '%s' "$grafana_password_new" | write_file "$GRAFANA_PASSWORD_FILE" 0600 root root secret
  if dry_run; then
    run_with_input "$GRAFANA_PASSWORD_FILE" \
      runuser -u grafana -- grafana-cli admin reset-admin-password --password-from-stdin
    return 0
  fi
  # Grafana makes its admin user when it first starts: wait for that.
  local tries=30 output=''
  while ((tries-- > 0)); do
    if output=$(runuser -u grafana -- grafana-cli admin reset-admin-password --password-from-stdin \
      <"$GRAFANA_PASSWORD_FILE" 2>&1); then
      return 0
    fi
    sleep 2
  done
  fail "grafana-cli không đặt được mật khẩu admin ($output); xem journalctl -u grafana-server rồi chạy lại" \
    "grafana-cli could not set the admin password ($output); see journalctl -u grafana-server and run again"
}

install_grafana() {
  local was_running=''
  is_active grafana-server && was_running=1
  grafana_repository
  install_packages grafana
  grafana_provisioning
  grafana_settings
  step "Bật và chạy grafana-server" "Enabling and starting grafana-server"
  run systemctl daemon-reload
  run systemctl enable --now grafana-server
  # An upgrade: the new provisioning and settings are read at start only.
  if [[ -n $was_running ]]; then
    run systemctl restart grafana-server
  fi
  grafana_password
}

# --- a device ----------------------------------------------------------------------------------

install_device() {
  base_packages
  if [[ $device_kind == speaker ]]; then
    packages+=(mpv)
  fi
  install_packages "${packages[@]}"
  create_user
  copy_code
  stop_for_upgrade "$unit"
  build
  check_build
  make_config_dir
  step "Tệp cấp phát $installed_provision" "Provisioning file $installed_provision"
  if [[ -n $provision_file ]]; then
    run install -m 0640 -o root -g "$SERVICE_USER" "$provision_file" "$installed_provision"
  else
    echo "    giữ nguyên / kept"
  fi
  if [[ ! -e $CONFIG_DIR/device.env ]]; then
    write_file "$CONFIG_DIR/device.env" 0640 root "$SERVICE_USER" <<'EOF'
# The device program's options (docs/firmware.md), e.g.
# THANTHIEN_ARGS=--serial /dev/ttyACM0 --audio-device alsa/plughw:1
EOF
  fi
  make_data_dir
  # A board given a new kind: the program of its old kind would run on the wrong file.
  local other
  for other in "${DEVICE_KINDS[@]}"; do
    if [[ $other != "$device_kind" ]] && systemctl is-enabled --quiet "thanthien-$other" 2>/dev/null; then
      step "Tắt thanthien-$other (thiết bị này giờ là $device_kind)" "Disabling thanthien-$other (this board is now a $device_kind)"
      run systemctl disable --now "thanthien-$other"
    fi
  done
  install_unit
  step "Bật và chạy ${unit%.service}" "Enabling and starting ${unit%.service}"
  run systemctl enable --now "${unit%.service}"
}

# --- main --------------------------------------------------------------------------------------

if dry_run; then
  echo "DRY_RUN: chỉ in các lệnh, không thay đổi gì / only printing the commands, changing nothing"
fi

if [[ -n $device_kind ]]; then
  install_device
  step "Xong: ${unit%.service} đang chạy" "Done: ${unit%.service} is running"
  echo "    journalctl -u ${unit%.service}    # nhật ký / its log"
  echo "    $CONFIG_DIR/device.env    # THANTHIEN_ARGS: cổng serial, âm thanh / serial port, audio device"
  exit 0
fi

if ((with_grafana == 1)); then
  # A line of grafana.env that cannot be carried stops the script before anything changes.
  grafana_env_block >/dev/null
fi
install_hub
if ((with_grafana == 1)); then
  install_grafana
fi

host=$(hostname 2>/dev/null || echo thanthien)
step "Xong: trạm đang chạy" "Done: the hub is running"
echo "    http://$host.local:8080/app    # ứng dụng web / the web app"
echo "    journalctl -u thanthien    # nhật ký / its log"
if [[ -n ${site_config_new:-} ]]; then
  echo "    Sửa $CONFIG_DIR/site.yaml (xã, quầy, công chức, thôn) rồi: sudo systemctl restart thanthien"
  echo "    Edit $CONFIG_DIR/site.yaml (commune, desks, officials, zones), then: sudo systemctl restart thanthien"
fi
if ((with_grafana == 1)); then
  echo "    http://$host.local:3000    # Grafana, admin"
  if [[ -n ${grafana_password_new:-} ]] && ! dry_run; then
    echo "    Mật khẩu admin Grafana (chỉ hiện lần này) / Grafana admin password (shown this once): $grafana_password_new"
  fi
  echo "    sudo cat $GRAFANA_PASSWORD_FILE    # mật khẩu đã lưu / the stored password"
fi
if ! dry_run && [[ $(timedatectl show --property=NTPSynchronized --value 2>/dev/null || true) != yes ]]; then
  warn 'đồng hồ hệ thống chưa đồng bộ: đài chưa phát cho tới khi đồng bộ (docs/operations.md, đồng hồ)' \
    'the system clock is not synchronised yet: the radio airs nothing until it is (docs/operations.md, The clock)'
fi
