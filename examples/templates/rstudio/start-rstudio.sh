#!/bin/sh
# RStudio Server as the session's user, without its own login (Berth's proxy authenticates),
# with links and cookies under the proxy's prefix /s/<session id>/.
set -e
exec /usr/lib/rstudio-server/bin/rserver \
  --server-daemonize=0 \
  --server-user="$(id -un)" \
  --auth-none=1 \
  --www-address=0.0.0.0 \
  --www-port=8787 \
  --www-root-path="/s/${BERTH_SESSION_ID}/" \
  --server-data-dir=/var/run/rstudio-server \
  --database-config-file=/etc/rstudio/database.conf \
  --secure-cookie-key-file=/var/lib/rstudio-server/secure-cookie-key
