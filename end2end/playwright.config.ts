import { defineConfig } from '@playwright/test';

// Roster's browser tests run against a release build on a fresh SQLite database, served on a
// port of its own so a running `make run` is left alone. `make test` builds first.
const port = Number(process.env.ROSTER_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const targetDir = process.env.CARGO_TARGET_DIR ?? 'target';

export const admin = { email: 'admin@roster.test', password: 'e2e-admin-password-1' };

// A real SMTP server (Debian's aiosmtpd, installed by `make test`) that Roster's mail worker
// delivers to; it saves each message to this Maildir, where tests read the links people get.
const smtpPort = Number(process.env.ROSTER_E2E_SMTP_PORT ?? 3125);
export const maildir = 'target/e2e-mail';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: [
  {
    command: `rm -rf ${maildir} && /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox ${maildir}`,
    cwd: '..',
    port: smtpPort,
    timeout: 30_000,
    reuseExistingServer: false,
  },
  {
    // 120 demo users (random names, statuses, roles, groups) besides the admin, and a project
    // `open` that accepts sign-ups under terms.
    command: `rm -rf target/e2e-data && ${targetDir}/release/server seed-demo --users 120 && ${targetDir}/release/server seed-demo --users 3 --project open && ${targetDir}/release/server project --slug open --allow-signup true --terms-url https://example.test/terms --privacy-url https://example.test/privacy && ${targetDir}/release/server`,
    cwd: '..',
    url: `${baseURL}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      ROSTER_ADDR: `127.0.0.1:${port}`,
      ROSTER_DATA_DIR: 'target/e2e-data',
      LEPTOS_SITE_ROOT: 'target/site',
      ROSTER_ADMIN_EMAIL: admin.email,
      ROSTER_ADMIN_PASSWORD: admin.password,
      ROSTER_LOG: 'warn',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}?tls=none`,
      ROSTER_MAIL_FROM: 'Roster <roster@roster.test>',
    },
  },
  ],
});
