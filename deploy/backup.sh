#!/usr/bin/env bash
# Dump Élan's PostgreSQL database, keep the N newest dumps, then prove the
# dump restores: it is loaded into a scratch database and key tables are
# counted against the live one. Exit status non-zero when anything fails.
#
#   ELAN_DATABASE_URL=postgres://elan@127.0.0.1:5432/elan deploy/backup.sh
#   ELAN_BACKUP_DIR (default var/backups), ELAN_BACKUP_KEEP (default 14)
#
# Restore for real (a new machine, or after a loss):
#   createdb elan && pg_restore --no-owner --no-acl --dbname=elan var/backups/elan-….dump
#   then `manage.py migrate` (a no-op when the code is the dump's) and restart.
set -euo pipefail

url="${ELAN_DATABASE_URL:?ELAN_DATABASE_URL manque (postgres://…)}"
case "$url" in postgres://*|postgresql://*) ;; *) echo "PostgreSQL seulement : $url" >&2; exit 2;; esac
dir="${ELAN_BACKUP_DIR:-var/backups}"
keep="${ELAN_BACKUP_KEEP:-14}"
mkdir -p "$dir"

base="${url%/*}"          # postgres://user:pass@host:port
name="${url##*/}"; name="${name%%\?*}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
file="$dir/elan-$stamp.dump"

started=$(date +%s)
pg_dump --format=custom --no-owner --no-acl --dbname="$url" --file="$file.part"
mv "$file.part" "$file"
dumped=$(( $(date +%s) - started ))

scratch="elan_restore_check_$$"
psql "$base/postgres" -qAtc "CREATE DATABASE \"$scratch\"" >/dev/null
cleanup() { psql "$base/postgres" -qAtc "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null || true; }
trap cleanup EXIT
started=$(date +%s)
pg_restore --no-owner --no-acl --exit-on-error --dbname="$base/$scratch" "$file"
restored=$(( $(date +%s) - started ))

# The dump is a snapshot: the live base may have grown since, never shrunk
# below it, and a table with rows must come back with rows.
checked=0
for table in django_migrations accounts_user territories_territory challenges_challenge \
             challenges_registration measures_reading measures_resultsnapshot events_event \
             pledges_commitment network_actor commons_resource accounts_outgoingemail; do
  live=$(psql "$url" -qAtc "SELECT count(*) FROM $table" 2>/dev/null || echo "")
  [ -n "$live" ] || continue
  back=$(psql "$base/$scratch" -qAtc "SELECT count(*) FROM $table")
  if [ "$back" -gt "$live" ] || { [ "$live" -gt 0 ] && [ "$back" -eq 0 ]; }; then
    echo "ÉCHEC : $table a $live lignes, la restauration $back" >&2
    exit 1
  fi
  printf '  %-32s %10s lignes (base : %s)\n' "$table" "$back" "$live"
  checked=$((checked + 1))
done

ls -1t "$dir"/elan-*.dump 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm --
size=$(du -h "$file" | cut -f1)
echo "Sauvegarde $file ($size) de « $name » en ${dumped} s ; restauration vérifiée en ${restored} s sur $checked tables."
