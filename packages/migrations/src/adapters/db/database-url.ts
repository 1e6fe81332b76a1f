import { urlSecrets } from '../../core/redact';
import { inVentureSchema } from './venture-schema';

/** A command's database, from the environment variable its options name. */
export interface DatabaseUrl {
  /** The variable the URL is read from. */
  urlEnv: string;
  /** In the venture's schema when its options name one; unset: the embedded database. */
  url: string | undefined;
  /** Where the command works, for messages: never the URL itself. */
  where: string;
  /** What logs and reports must never show: the URL as set and as used, and their passwords. */
  secrets: string[];
}

/** The database URL in `env[urlEnv]`, put in the venture's schema (`schema`, with `{projectName}`) when one is given. */
export function resolveDatabaseUrl(
  env: Readonly<Record<string, string | undefined>>,
  urlEnv: string,
  venture?: { schema?: string; project: string },
): DatabaseUrl {
  const set = env[urlEnv] || undefined;
  const url = venture ? inVentureSchema(set, venture.schema, venture.project) : set;
  return {
    urlEnv,
    url,
    where: url ? `the database in ${urlEnv}` : 'the embedded database',
    secrets: [...urlSecrets(set), ...urlSecrets(url)],
  };
}
