/**
 * The identity provider's two pages: the login of `/authorize` and the device activation of
 * `/activate`. Plain forms a test can fill without a browser: POST the same fields back, with
 * `username`, optional `mfa` (a method such as `otp`) and `decision` (`allow` or `deny`).
 */

const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>
`;
}

function credentialsFields(mfaRequired: boolean): string {
  return `<p><label>Username or email <input name="username" required autocomplete="username"></label></p>
<p><label>MFA method${mfaRequired ? " (required)" : ""} <select name="mfa">${mfaRequired ? "" : '<option value="">none</option>'}<option value="otp">otp</option><option value="email">email</option><option value="webauthn-roaming">webauthn-roaming</option></select></label></p>
<p><button name="decision" value="allow">Log in and allow</button> <button name="decision" value="deny">Deny</button></p>`;
}

export function loginPage(options: {
  workspace: string;
  clientName: string;
  params: URLSearchParams;
  mfaRequired: boolean;
  error?: string;
}): string {
  const hidden = [...options.params]
    .filter(([name]) => !["username", "mfa", "decision"].includes(name))
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join("\n");
  return page(
    `Log in to ${options.workspace}`,
    `<p>${escapeHtml(options.clientName)} asks to act as you in ${escapeHtml(options.workspace)} (sandbox: no password).</p>
${options.error ? `<p role="alert">${escapeHtml(options.error)}</p>` : ""}
<form method="post">
${hidden}
${credentialsFields(options.mfaRequired)}
</form>`,
  );
}

export function activatePage(options: {
  workspace: string;
  userCode: string;
  error?: string;
  done?: string;
}): string {
  if (options.done) return page("Device activation", `<p>${escapeHtml(options.done)}</p>`);
  return page(
    `Activate a device for ${options.workspace}`,
    `${options.error ? `<p role="alert">${escapeHtml(options.error)}</p>` : ""}
<form method="post">
<p><label>Code <input name="user_code" value="${escapeHtml(options.userCode)}" required></label></p>
${credentialsFields(false)}
</form>`,
  );
}

export function errorPage(message: string): string {
  return page("Login error", `<p role="alert">${escapeHtml(message)}</p>`);
}
