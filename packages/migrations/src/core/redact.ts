/**
 * Connection strings and passwords never reach a log, a report or an error message.
 * Anything shaped like `scheme://user:password@host` loses its credentials, and known secret
 * values (read from the environment) are replaced wherever they appear.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]+)(:[^\s/@]*)?@/gi;
const PASSWORD_PARAM = /\b(password|passwd|pwd)=([^\s&;]+)/gi;

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out.replace(URL_CREDENTIALS, '$1[redacted]@').replace(PASSWORD_PARAM, '$1=[redacted]');
}

/** A database URL reduced to what is safe to show: the host, port and database name. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const database = parsed.pathname.replace(/^\//, '') || '(default database)';
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}/${database}`;
  } catch {
    return '(unparseable URL)';
  }
}

/** What of a database URL must be redacted: the URL itself and its password on its own. */
export function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password.length >= 4 ? [url, password] : [url];
  } catch {
    return [url];
  }
}
