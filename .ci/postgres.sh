# Sourced by .ci/run: a throwaway PostgreSQL server for the job store's tests
# (test/jobs/store-postgres.test.ts, test/jobs/store-shared.test.ts). Debian's postgresql, installed
# when missing; a cluster in a temporary folder, run by a non-root user (postgres refuses root), on a
# free localhost port. Exports ROCKET_TEST_POSTGRES_URL and stops the server when the run exits. A
# failure to install or start it fails the run: in CI the PostgreSQL tests never skip.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pg_bin)" ]; then
  # Without the package's default cluster on port 5432: the run makes its own.
  (mkdir -p /etc/postgresql-common \
    && { [ -e /etc/postgresql-common/createcluster.conf ] \
      || echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf; } \
    && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
    || { echo "postgresql could not be installed: the PostgreSQL job store tests cannot run" >&2; exit 1; }
fi
pg_bin=$(pg_bin)
[ -n "$pg_bin" ] || { echo "no PostgreSQL server in /usr/lib/postgresql/*/bin" >&2; exit 1; }
pg_dir=$(mktemp -d)
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$pg_dir"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi
trap 'as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1; rm -rf "$pg_dir"' EXIT
pg_port=$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
pg_password=$(node -p "require('node:crypto').randomBytes(12).toString('hex')")
as_pg sh -c "umask 077 && echo '$pg_password' >'$pg_dir/password'"
as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U rocket --pwfile="$pg_dir/password" --auth=scram-sha-256 \
  >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log" >&2; echo "initdb failed" >&2; exit 1; }
as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w start \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null \
  || { tail -20 "$pg_dir/server.log" >&2; echo "PostgreSQL did not start" >&2; exit 1; }
export ROCKET_TEST_POSTGRES_URL="postgres://rocket:$pg_password@127.0.0.1:$pg_port/postgres"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port for the job store tests"
