// Owns reading the remote cache settings: JUNI_REMOTE_CACHE_* (TURBO_* as fallbacks, so a
// Turborepo setup works as it is) and --remote-cache off|read|readwrite.
// Leaves talking to the server to client.ts.
import { redactCredentials } from '../../redact.js';

export type RemoteMode = 'off' | 'read' | 'readwrite';

export interface RemoteConfig {
  /** Base URL without credentials; requests go to `${url}/v8/artifacts/:hash`. */
  url: string;
  /** The address as given, with any credentials in it replaced by *** (for messages). */
  shownUrl: string;
  token: string | undefined;
  /** `user:password` from the address (fetch refuses URLs with credentials): sent as Basic auth when there is no token. */
  basicAuth: string | undefined;
  /** `teamId` when it starts with team_ (Vercel's convention), else `slug`; default slug `juni`. */
  team: { param: 'teamId' | 'slug'; value: string };
  signatureKey: string | undefined;
  mode: Exclude<RemoteMode, 'off'>;
}

/** The server's address and the variable that set it (juni's own wins over Turborepo's). */
export function remoteCacheUrl(
  env: NodeJS.ProcessEnv,
): { variable: 'JUNI_REMOTE_CACHE_URL' | 'TURBO_API'; url: string } | undefined {
  if (env.JUNI_REMOTE_CACHE_URL !== undefined)
    return { variable: 'JUNI_REMOTE_CACHE_URL', url: env.JUNI_REMOTE_CACHE_URL };
  if (env.TURBO_API !== undefined) return { variable: 'TURBO_API', url: env.TURBO_API };
  return undefined;
}

/** The remote cache to use, or undefined when none is configured or it is turned off. */
export function remoteConfig(env: NodeJS.ProcessEnv, mode: RemoteMode | undefined): RemoteConfig | undefined {
  const url = remoteCacheUrl(env)?.url;
  const effective = mode ?? 'readwrite';
  if (!url || effective === 'off') return undefined;
  // Self-hosted servers refuse requests without a team; one project alone needs no name for it.
  const team = env.JUNI_REMOTE_CACHE_TEAM ?? env.TURBO_TEAM ?? 'juni';
  const split = splitCredentials(url.replace(/\/+$/, ''));
  // environmentProblems refuses such an address before any build; nothing to connect to here.
  if (!split) return undefined;
  const { bare, userInfo } = split;
  return {
    url: bare,
    shownUrl: redactCredentials(url.replace(/\/+$/, '')),
    token: env.JUNI_REMOTE_CACHE_TOKEN ?? env.TURBO_TOKEN,
    basicAuth: userInfo,
    team: { param: team.startsWith('team_') ? 'teamId' : 'slug', value: team },
    signatureKey: env.JUNI_REMOTE_CACHE_SIGNATURE_KEY ?? env.TURBO_REMOTE_CACHE_SIGNATURE_KEY,
    mode: effective,
  };
}

/**
 * `http://user:pw@host/x` -> `http://host/x` and `user:pw` (decoded); other addresses unchanged.
 * undefined for what is not an http(s) address with a host and decodable credentials: the one
 * test environmentProblems refuses a server address by, so a build never meets one it cannot use.
 */
export function splitCredentials(url: string): { bare: string; userInfo: string | undefined } | undefined {
  let parsed: URL;
  let userInfo: string;
  try {
    parsed = new URL(url);
    userInfo = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  } catch {
    return undefined;
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') return undefined;
  if (!parsed.username && !parsed.password) return { bare: url, userInfo: undefined };
  parsed.username = '';
  parsed.password = '';
  return { bare: parsed.href.replace(/\/+$/, ''), userInfo };
}
