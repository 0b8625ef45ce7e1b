#!/bin/sh
# Usage: check_unit.sh SYSTEMD_ANALYZE UNIT_FILE
# Fails when `systemd-analyze verify` reports anything (it prints unknown keys and bad values as
# warnings but still exits 0), when the offline security exposure rises above 2.0, or when a
# directive the daemon relies on is missing.
set -u
analyze=$1
unit=$2
status=0

output=$("$analyze" verify "$unit" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$output" ]; then
  echo "FAIL: systemd-analyze verify $unit (exit $rc):"
  echo "$output"
  status=1
fi

if ! "$analyze" security --offline=true --threshold=20 "$unit" >security.txt 2>&1; then
  echo "FAIL: security exposure above 2.0:"
  tail -n 3 security.txt
  status=1
fi

for directive in 'Type=notify' 'ExecReload=/bin/kill -HUP $MAINPID' 'WatchdogSec=' \
  'Restart=on-failure' 'TimeoutStopSec=' 'DynamicUser=yes' 'StateDirectory=newscrawl' \
  'ConfigurationDirectory=newscrawl' 'ProtectSystem=strict' 'NoNewPrivileges=yes' \
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'SystemCallFilter=@system-service' \
  'LimitNOFILE=65536'; do
  if ! grep -qF -- "$directive" "$unit"; then
    echo "FAIL: $unit lacks $directive"
    status=1
  fi
done
if ! grep -q '^ExecStart=/.*newscrawl run --config /' "$unit"; then
  echo "FAIL: ExecStart is not 'newscrawl run --config <absolute path>'"
  status=1
fi

[ $status -eq 0 ] && echo "ok: $unit verified"
exit $status
