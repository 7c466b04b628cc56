#!/usr/bin/env bash
# Rehearse docs/deployment.md section 9 on a scratch PostgreSQL cluster, then
# remove it: WAL archiving, the nightly dump and a base backup; more changes;
# damage; restore A (to a moment in time) and restore B (from the dump); and
# the checks of C (counts, the Alembic revision, /readyz, every sealed answer
# opened with the same keys). Prints sizes and timings.
#
# Needs Debian's postgresql-common (pg_createcluster) and the venv (make setup).
# Run as root from anywhere:   ops/rehearse-restore.sh
# Settings: REHEARSAL_PORT (5440), REHEARSAL_CLUSTER (rehearsal),
#           REHEARSAL_PG_VERSION (15), REHEARSAL_APPLICATIONS (20000).
# It refuses to touch a cluster or port already in use, and never touches others.

set -euo pipefail

VERSION=${REHEARSAL_PG_VERSION:-15}
NAME=${REHEARSAL_CLUSTER:-rehearsal}
PORT=${REHEARSAL_PORT:-5440}
APPLICATIONS=${REHEARSAL_APPLICATIONS:-20000}
REPO=$(cd "$(dirname "$0")/.." && pwd)
CONF=/etc/postgresql/$VERSION/$NAME
DATA=/var/lib/postgresql/$VERSION/$NAME
LOG=/var/log/postgresql/postgresql-$VERSION-$NAME.log

die() { echo "rehearse-restore: $*" >&2; exit 1; }
say() { printf '\n== %s\n' "$*"; }

[ "$(id -u)" = 0 ] || die "run as root: it creates and drops a PostgreSQL cluster"
command -v pg_createcluster >/dev/null || die "needs postgresql-common (pg_createcluster)"
[ -x "$REPO/.venv/bin/flask" ] || die "no venv: run make setup first"
[ -e "$CONF" ] || [ -e "$DATA" ] && die "cluster $VERSION/$NAME exists already"
pg_lsclusters -h | awk -v p="$PORT" '$3 == p { found = 1 } END { exit !found }' &&
    die "a cluster already uses port $PORT"
pg_isready -q -h 127.0.0.1 -p "$PORT" && die "something already listens on port $PORT"

WORK=$(mktemp -d /tmp/rehearse-restore.XXXXXX)
chmod 755 "$WORK"
CREATED=0
cleanup() {
    status=$?
    if [ "$CREATED" = 1 ]; then
        pg_dropcluster --stop "$VERSION" "$NAME" || echo "could not drop cluster $VERSION/$NAME" >&2
        rm -rf "$CONF"   # pg_dropcluster leaves files it did not create (conf.d/archiving.conf)
    fi
    rm -rf "$WORK"
    [ "$status" = 0 ] && echo "Cleaned up: cluster $VERSION/$NAME dropped, $WORK removed."
}
trap cleanup EXIT

ARCHIVE=$WORK/archive BACKUPS=$WORK/backups
install -d -o postgres -g postgres -m 700 "$ARCHIVE" "$BACKUPS"
install -d -m 700 "$WORK/instance"   # the development keys: the restores need the same ones

declare -a REPORT
clock() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(clock)" 'BEGIN { printf "%.1f s", b - a }'; }
note() { REPORT+=("$1"); echo "   $1"; }
size() { du -sh "$1" | cut -f1; }

sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }
as_postgres() { runuser -u postgres -- env PGPORT="$PORT" "$@"; }
ctl() { pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" "$@"; }
flask_on() { (cd "$REPO" && DATABASE_URL="postgresql+psycopg://portal@127.0.0.1:$PORT/$1" \
    PORTAL_ENV=development PORTAL_INSTANCE_PATH="$WORK/instance" .venv/bin/flask --app wsgi "${@:2}"); }
python_on() { (cd "$REPO" && DATABASE_URL="postgresql+psycopg://portal@127.0.0.1:$PORT/$1" \
    PORTAL_ENV=development PORTAL_INSTANCE_PATH="$WORK/instance" PYTHONPATH="$REPO" \
    .venv/bin/python "${@:2}"); }
counts() {
    sql -d "$1" -c "SELECT 'applications ' || (SELECT count(*) FROM application)
        || ', with an outcome ' || (SELECT count(*) FROM application WHERE outcome IS NOT NULL)
        || ', journey events ' || (SELECT count(*) FROM journey_event)
        || ', audit events ' || (SELECT count(*) FROM audit_event)
        || ', revision ' || (SELECT version_num FROM alembic_version)"
}

# Marks the latest applications' sealed answers, so that a restore can be
# checked for answers that must (or must not) be there.
cat >"$WORK/mark.py" <<'EOF'
import sys
from sqlalchemy import select
from portal.audit import record
from portal.extensions import db
from portal.models import Application
from wsgi import app

label, n = sys.argv[1], int(sys.argv[2])
with app.app_context():
    latest = select(Application).order_by(Application.id.desc()).limit(n)
    for application in db.session.scalars(latest):
        application.answers = {"marker": label, "your-name": {"full_name": f"Rehearsal {label}"}}
    record("rehearsal_marker", label=label)
    db.session.commit()
EOF
# /readyz, and every application's sealed answers opened with the keys.
cat >"$WORK/check.py" <<'EOF'
import collections, sys
from sqlalchemy import select
from portal.extensions import db
from portal.models import Application
from wsgi import app

expected = set(sys.argv[1:])
with app.app_context():
    ready = app.test_client().get("/readyz")
    markers = collections.Counter()
    for application in db.session.scalars(select(Application).execution_options(yield_per=2000)):
        markers[application.answers.get("marker", "-")] += 1  # fails if the keys do not open it
    found = set(markers) - {"-"}
    print(f"/readyz {ready.status_code} {ready.get_data(as_text=True)}; "
          f"opened {sum(markers.values())} sealed answers; markers {sorted(found)}")
    sys.exit(0 if ready.status_code == 200 and found == expected else 1)
EOF

say "1. A scratch cluster $VERSION/$NAME on port $PORT, archiving WAL"
pg_createcluster "$VERSION" "$NAME" --port "$PORT" --start-conf=manual >/dev/null
CREATED=1
cat >"$CONF/pg_hba.conf" <<EOF
local   all           all                 trust
local   replication   postgres            trust
host    all           all   127.0.0.1/32  trust
EOF
cat >"$CONF/conf.d/archiving.conf" <<EOF
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $ARCHIVE/%f && cp %p $ARCHIVE/%f'
archive_timeout = 60
EOF
ctl start
sql -c "CREATE ROLE portal LOGIN" -c "CREATE DATABASE portal OWNER portal"
note "$(sql -c 'SELECT version()' | cut -d' ' -f1-2)"

say "2. Migrations, $APPLICATIONS demo applications, the nightly dump and a base backup"
flask_on portal db upgrade >/dev/null 2>&1
flask_on portal demo seed --applications "$APPLICATIONS"
flask_on portal staff demo >/dev/null
python_on portal "$WORK/mark.py" before-backups 50
AT_DUMP=$(counts portal)
note "database: $(sql -c "SELECT pg_size_pretty(pg_database_size('portal'))")"
cd "$BACKUPS"
start=$(clock)
as_postgres pg_dump --format=custom --file="portal-$(date +%F).dump" portal
note "pg_dump --format=custom: $(size "$BACKUPS"/portal-*.dump) in $(since "$start")"
start=$(clock)
as_postgres pg_basebackup -D "$BACKUPS/base-$(date +%F)" -Ft -z -X stream --checkpoint=fast
note "pg_basebackup -Ft -z -X stream --checkpoint=fast: $(size "$BACKUPS"/base-*) in $(since "$start")"

say "3. Changes after the base backup, the moment T, then damage"
flask_on portal demo seed --applications $((APPLICATIONS / 4))
python_on portal "$WORK/mark.py" after-base-backup 50
AT_T=$(counts portal)
sleep 1
T=$(sql -c "SELECT now()")
sleep 1
note "at T ($T): $AT_T"
if sql -d portal -c "DELETE FROM audit_event" 2>/dev/null; then die "the audit log allowed a delete"; fi
sql -d portal -c "TRUNCATE journey_event" -c "UPDATE application SET outcome = NULL"
note "after the damage: $(counts portal)"

say "A. Restore to T"
ctl stop
mv "$DATA" "$WORK/damaged-data"
install -d -o postgres -g postgres -m 700 "$DATA"
start=$(clock)
as_postgres tar -xzf "$BACKUPS"/base-*/base.tar.gz -C "$DATA"
as_postgres tar -xzf "$BACKUPS"/base-*/pg_wal.tar.gz -C "$DATA/pg_wal"
note "unpacking the base backup: $(since "$start")"
cat >"$CONF/conf.d/restore.conf" <<EOF
restore_command = 'cp $ARCHIVE/%f %p'
recovery_target_time = '$T'
recovery_target_action = 'promote'
EOF
as_postgres touch "$DATA/recovery.signal"
log_from=$(($(wc -l <"$LOG") + 1))
start=$(clock)
ctl start
until [ "$(sql -c 'SELECT NOT pg_is_in_recovery()' 2>/dev/null)" = t ]; do sleep 0.2; done
note "replaying the WAL to T and promoting: $(since "$start") \
($(tail -n +"$log_from" "$LOG" | grep -c 'restored log file') archived segments)"
tail -n +"$log_from" "$LOG" | grep -E 'recovery stopping before|last completed transaction' | sed 's/^/   log: /'
rm "$CONF/conf.d/restore.conf"
ctl restart
AFTER_A=$(counts portal)
note "restored: $AFTER_A"
[ "$AFTER_A" = "$AT_T" ] || die "restore A does not match T"
python_on portal "$WORK/check.py" before-backups after-base-backup 2>/dev/null | sed 's/^/   /'

say "B. Restore the nightly dump into a new database"
as_postgres createdb --owner=portal portal_restored
start=$(clock)
as_postgres pg_restore --dbname=portal_restored --no-owner --role=portal --jobs=4 "$BACKUPS"/portal-*.dump
note "pg_restore --jobs=4: $(since "$start")"
flask_on portal_restored db upgrade >/dev/null 2>&1
AFTER_B=$(counts portal_restored)
note "restored: $AFTER_B"
[ "$AFTER_B" = "$AT_DUMP" ] || die "restore B does not match the dump"
python_on portal_restored "$WORK/check.py" before-backups 2>/dev/null | sed 's/^/   /'

note "WAL archive: $(size "$ARCHIVE"), $(find "$ARCHIVE" -type f | wc -l) files"
say "Summary"
printf '   %s\n' "${REPORT[@]}"
