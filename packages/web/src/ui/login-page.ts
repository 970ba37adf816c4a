import { escapeHtml } from '@locusta/report';

/** The login page of `--web-login`: a plain form posted to `/login`, no script. */
export function renderLoginPage(basePath: string, failed: boolean): string {
  const base = escapeHtml(basePath);
  const error = failed ? '<p class="form-error" role="alert">Invalid username or password</p>' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Locusta: log in</title>
<link rel="icon" type="image/svg+xml" href="${base}/favicon.ico">
<link rel="stylesheet" href="${base}/assets/app.css">
</head>
<body>
<section class="panel" id="login-panel">
  <h2>Locusta</h2>
  <form method="post" action="${base}/login" id="login-form">
    <label>Username<input name="username" id="login-username" type="text" autocomplete="username" required></label>
    <label>Password<input name="password" id="login-password" type="password" autocomplete="current-password" required></label>
    ${error}
    <div class="form-buttons"><button type="submit" id="login-button">Log in</button></div>
  </form>
</section>
</body>
</html>
`;
}
