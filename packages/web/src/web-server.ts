import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger, OutputExtension } from '@locusta/core';
import { describeError, silentLogger } from '@locusta/core';
import { uiAssets } from './assets.ts';
import { BASIC_CHALLENGE, BasicAuth } from './basic-auth.ts';
import { LoginSessions, SESSION_COOKIE } from './login-sessions.ts';
import { renderLoginPage } from './ui/login-page.ts';
import type { WebCustomOption } from './web-custom-option.ts';
import { parseFormBody } from './form-body.ts';
import type { Reply } from './http-reply.ts';
import { RouteError, jsonReply, readBody, textReply } from './http-reply.ts';
import type { LogBuffer } from './log-buffer.ts';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.ts';
import { RunControl } from './run-control.ts';
import type { CsvSources, DownloadContext, HtmlReportSource } from './routes/downloads.ts';
import { csvDownload, defaultCsvSources, reportDownload } from './routes/downloads.ts';
import { extraMetrics, extraTablesReport } from './routes/extra-tables.ts';
import { exceptionsReport, logsReport, tasksInfo, workerCount } from './routes/info.ts';
import { requestsReport } from './routes/stats-requests.ts';
import { NO_WORKERS, isRefusal, parseSwarmForm } from './routes/swarm.ts';
import { StatsHistory } from './stats-history.ts';
import { PAGE_CSP, renderPage } from './ui/page.ts';
import type { WebRunner } from './web-runner.ts';
import { ACTIVE_WORKER_STATES } from '@locusta/runner';

export interface WebServerOptions {
  runner: WebRunner;
  /** Interface to bind; '' or '*' binds all of them (Locust's `--web-host`). @default '' */
  host?: string;
  /** 0 picks a free port. @default 8089 */
  port?: number;
  /** Serve everything under this path (`--web-base-path`), e.g. `/locust`. @default '' */
  basePath?: string;
  /** `user:password`: HTTP basic auth on every route but the static assets. */
  auth?: string;
  /**
   * `--web-login`: browsers log in with `auth`'s credentials on a login page and keep a session
   * cookie; basic auth still works for scripts. Needs `auth`.
   */
  login?: boolean;
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  logger?: Logger;
  /** Recent log lines for `/logs`. */
  logs?: LogBuffer;
  /** Recent log lines of each worker, for `/logs` on a master. */
  workerLogs?: () => Record<string, string[]>;
  /** The HTML report for `/stats/report` (a `() => string` works too). Without it, 404. */
  htmlReport?: HtmlReportSource;
  /** CSV contents for the download routes; missing ones are built from the runner's statistics. */
  csv?: Partial<CsvSources>;
  /** The user file's custom options, for the start form and `/swarm`. */
  customOptions?: readonly WebCustomOption[];
  /** `--class-picker`: the user classes the start form lets users choose from. */
  classPicker?: readonly string[];
  /** The start form's initial values (`-u`, `-r`, `-t`; the host defaults to the runner's). */
  defaults?: { users?: number; spawnRate?: number; runTime?: string; host?: string; profile?: string };
  /** Shown in the title and used in download file names (Locust uses the locustfile's name). */
  userFile?: string;
  version?: string;
  /** When set, the UI shows a Quit button and `POST /quit` calls this. */
  onQuitRequested?: () => void;
  /**
   * The output families of the run, asked at each poll: their web tables are shown in a tab each
   * (when they have rows), polled with the statistics from `/stats/extra`, and their Prometheus
   * families follow the runner's on `/metrics`. How other packages' metrics reach the page
   * without it knowing them.
   */
  outputs?: () => readonly OutputExtension[];
  /** How long `/stats/requests` answers from cache (Locust memoizes it for 2 s). @default 1000 */
  statsCacheMs?: number;
  /** Interval of the server-side chart history. @default 2000 */
  historyIntervalMs?: number;
  /** How often the page polls. @default 2000 */
  pollMs?: number;
}

type Handler = (req: IncomingMessage, url: URL) => Reply | Promise<Reply>;

interface Route {
  GET?: Handler;
  POST?: Handler;
  /** Changes the test: refused when a browser says another site sent it (CSRF). */
  action?: boolean;
}

const MAX_BODY = 1024 * 1024;

/** Addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h) || /^::ffff:127\./.test(h);
}

/**
 * The web UI and Locust's REST API on node:http (or node:https): the page and its assets,
 * `/swarm`, `/stop`, the statistics (and `/stats/extra`), CSV and report downloads, `/tasks`,
 * `/logs`, `/metrics`.
 */
export class WebServer {
  /** The chart history; the CLI can hand its rows to the HTML report. */
  readonly history: StatsHistory;
  readonly #opts: WebServerOptions;
  readonly #runner: WebRunner;
  readonly #logger: Logger;
  readonly #basePath: string;
  readonly #auth: BasicAuth | undefined;
  readonly #login: LoginSessions | undefined;
  readonly #control: RunControl;
  readonly #downloads: DownloadContext;
  readonly #routes: Map<string, Route>;
  #server: Server | undefined;
  #statsCache: { text: string; until: number } | undefined;

  constructor(options: WebServerOptions) {
    this.#opts = options;
    this.#runner = options.runner;
    this.#logger = options.logger ?? silentLogger;
    this.#basePath = normalizeBasePath(options.basePath ?? '');
    this.#auth = options.auth ? new BasicAuth(options.auth) : undefined;
    if (options.login && !this.#auth) throw new Error('A login page needs the credentials it checks (auth)');
    this.#login = options.login && this.#auth ? new LoginSessions(this.#auth) : undefined;
    this.history = new StatsHistory(this.#runner, { intervalMs: options.historyIntervalMs });
    const d = options.defaults ?? {};
    const custom = Object.fromEntries((options.customOptions ?? []).map((o) => [o.name, o.default]));
    this.#control = new RunControl(this.#runner, this.#logger, this.history, {
      users: d.users,
      spawnRate: d.spawnRate,
      runTime: d.runTime,
      host: d.host,
      profile: d.profile,
      custom,
    });
    this.#downloads = {
      runner: this.#runner,
      csv: { ...defaultCsvSources(this.#runner), ...options.csv },
      htmlReport: options.htmlReport,
      userFile: options.userFile ?? '',
    };
    this.#routes = this.#buildRoutes();
  }

  /** Starts listening; resolves with the bound port and the UI's URL. */
  async listen(): Promise<{ port: number; url: string }> {
    if (this.#server) throw new Error('The web server is already listening');
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res);
    const tls = this.#opts.tls;
    const server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createHttpServer(handler);
    const rawHost = this.#opts.host ?? '';
    const host = rawHost === '*' ? '' : rawHost;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#opts.port ?? 8089, host || undefined, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.#logger.error(`Web UI server error: ${describeError(err)}`));
    this.#server = server;
    this.history.start();
    const port = (server.address() as AddressInfo).port;
    const shown = host === '' ? '0.0.0.0' : host.includes(':') ? `[${host}]` : host;
    const url = `${tls ? 'https' : 'http'}://${shown}:${port}${this.#basePath}`;
    if (!this.#auth && !isLoopback(host)) {
      this.#logger.warn(
        `The web UI on ${shown}:${port} can be reached from other machines and has no authentication: anyone who reaches it can start and stop tests`,
      );
    }
    return { port, url };
  }

  /** Stops listening, drops open connections, and stops the history and any run time timer. */
  async close(): Promise<void> {
    this.history.stop();
    this.#control.close();
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  #buildRoutes(): Map<string, Route> {
    const runner = this.#runner;
    const dl = this.#downloads;
    const json = (f: () => unknown): Route => ({ GET: () => jsonReply(f()) });
    const routes: Array<[string, Route]> = [
      ['/', { GET: () => this.#page() }],
      ['/swarm', { POST: (req) => this.#swarm(req), action: true }],
      ['/stop', { GET: () => this.#stop(), action: true }],
      ['/stats/reset', { GET: () => this.#reset(), action: true }],
      ['/stats/requests', { GET: () => this.#statsRequests() }],
      ['/stats/history', { GET: (_req, url) => jsonReply(this.#historyPage(url.searchParams)) }],
      ['/stats/extra', json(() => extraTablesReport(this.#opts.outputs))],
      ['/stats/requests/csv', { GET: () => csvDownload(dl, 'stats') }],
      ['/stats/requests_full_history/csv', { GET: () => csvDownload(dl, 'history') }],
      ['/stats/failures/csv', { GET: () => csvDownload(dl, 'failures') }],
      ['/stats/report', { GET: (_req, url) => reportDownload(dl, url.searchParams) }],
      ['/exceptions', json(() => exceptionsReport(runner))],
      ['/exceptions/csv', { GET: () => csvDownload(dl, 'exceptions') }],
      ['/tasks', json(() => tasksInfo(runner))],
      ['/logs', json(() => logsReport(this.#opts.logs, this.#opts.workerLogs))],
      ['/worker-count', json(() => workerCount(runner))],
      ['/metrics', { GET: () => textReply(this.#metrics(), 200, METRICS_CONTENT_TYPE) }],
    ];
    if (this.#opts.onQuitRequested) routes.push(['/quit', { POST: () => this.#quit(), action: true }]);
    return new Map(routes);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.#dispatch(req);
    } catch (err) {
      if (err instanceof RouteError) {
        reply = textReply(err.message, err.status);
        Object.assign(reply.headers, err.headers);
      } else {
        this.#logger.error(`Web UI request ${req.method} ${req.url} failed: ${describeError(err)}`);
        reply = textReply('Internal server error', 500);
      }
    }
    const headers: Record<string, string> = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', ...reply.headers };
    if (res.headersSent) return;
    res.writeHead(reply.status, headers);
    res.end(req.method === 'HEAD' ? undefined : reply.body);
  }

  async #dispatch(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://locusta.invalid');
    const base = this.#basePath;
    let path = url.pathname;
    if (base) {
      if (path === base) return { status: 308, headers: { location: `${base}/${url.search}` }, body: '' };
      if (!path.startsWith(`${base}/`)) throw new RouteError(404, 'Not Found');
      path = path.slice(base.length);
    }
    if (path.startsWith('/assets/')) return this.#asset(req, path.slice('/assets/'.length));
    // Asked for by browsers on their own; static like the assets, so served without authentication.
    if (path === '/favicon.ico') return this.#asset(req, 'favicon.svg');
    if (this.#login && (path === '/login' || path === '/logout')) return this.#loginRoute(req, url, path, this.#login);
    const route = this.#routes.get(path);
    if (!route) throw new RouteError(404, 'Not Found');
    if (this.#login) {
      if (!this.#login.check(req.headers.cookie) && !this.#auth!.check(req.headers.authorization)) {
        // The page sends a browser to the login form; the API answers 401 without the challenge
        // that would make the browser prompt for basic auth.
        if (path === '/') return { status: 303, headers: { location: `${base}/login` }, body: '' };
        throw new RouteError(401, 'Authentication required: log in at /login');
      }
    } else if (this.#auth && !this.#auth.check(req.headers.authorization)) {
      throw new RouteError(401, 'Authentication required', { 'www-authenticate': BASIC_CHALLENGE });
    }
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const handler = method === 'GET' ? route.GET : method === 'POST' ? route.POST : undefined;
    if (!handler) {
      const allow = [route.GET ? 'GET, HEAD' : '', route.POST ? 'POST' : ''].filter(Boolean).join(', ');
      throw new RouteError(405, 'Method Not Allowed', { allow });
    }
    if (route.action && sentByAnotherSite(req)) throw new RouteError(403, 'Refused: this request was sent by another site');
    return handler(req, url);
  }

  /** `/login` (the form, and its post) and `/logout` of `--web-login`. */
  async #loginRoute(req: IncomingMessage, url: URL, path: string, sessions: LoginSessions): Promise<Reply> {
    const base = this.#basePath;
    const cookie = (value: string, extra: string) => `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=${base || '/'}${this.#opts.tls ? '; Secure' : ''}${extra}`;
    if (path === '/logout') {
      sessions.logout(req.headers.cookie);
      return { status: 303, headers: { location: `${base}/login`, 'set-cookie': cookie('', '; Max-Age=0') }, body: '' };
    }
    if (req.method === 'POST') {
      if (sentByAnotherSite(req)) throw new RouteError(403, 'Refused: this request was sent by another site');
      const fields = parseFormBody(await readBody(req, MAX_BODY), req.headers['content-type']);
      const token = sessions.login(fields.get('username')?.at(-1) ?? '', fields.get('password')?.at(-1) ?? '');
      if (!token) {
        this.#logger.warn('A login to the web UI failed');
        return { status: 303, headers: { location: `${base}/login?error=1` }, body: '' };
      }
      return { status: 303, headers: { location: `${base}/`, 'set-cookie': cookie(token, '') }, body: '' };
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new RouteError(405, 'Method Not Allowed', { allow: 'GET, HEAD, POST' });
    const body = renderLoginPage(base, url.searchParams.has('error'));
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'referrer-policy': 'no-referrer' }, body };
  }

  #asset(req: IncomingMessage, name: string): Reply {
    const asset = uiAssets().get(name);
    if (!asset) throw new RouteError(404, 'Not Found');
    // Revalidated on every load (cheap with the ETag), so a new version is never stale.
    const headers = { 'content-type': asset.type, etag: asset.etag, 'cache-control': 'no-cache' };
    if (req.headers['if-none-match'] === asset.etag) return { status: 304, headers, body: '' };
    return { status: 200, headers, body: asset.body };
  }

  #page(): Reply {
    const defaults = this.#control.defaults;
    const body = renderPage({
      basePath: this.#basePath,
      version: this.#opts.version ?? '',
      userFile: this.#opts.userFile ?? '',
      host: defaults.host ?? this.#runner.host(),
      users: defaults.users ?? null,
      spawnRate: defaults.spawnRate ?? null,
      runTime: defaults.runTime ?? '',
      profile: defaults.profile ?? '',
      customOptions: (this.#opts.customOptions ?? []).map(({ default: _, ...o }) => ({ ...o, value: defaults.custom[o.name] ?? null })),
      ...(this.#opts.classPicker ? { classPicker: { classes: [...this.#opts.classPicker], selected: defaults.userClasses ?? [...this.#opts.classPicker] } } : {}),
      isDistributed: this.#runner.workers !== undefined,
      canQuit: this.#opts.onQuitRequested !== undefined,
      hasReport: this.#opts.htmlReport !== undefined,
      hasFullHistory: this.#downloads.csv.history !== undefined,
      pollMs: this.#opts.pollMs ?? 2000,
      hasExtraTables: this.#opts.outputs !== undefined,
    });
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'referrer-policy': 'no-referrer' },
      body,
    };
  }

  async #swarm(req: IncomingMessage): Promise<Reply> {
    const fields = parseFormBody(await readBody(req, MAX_BODY), req.headers['content-type']);
    const form = parseSwarmForm(fields, this.#opts.customOptions ?? [], this.#opts.classPicker);
    const currentHost = () => this.#runner.host() || null;
    if (isRefusal(form)) {
      if (form.status === 200) this.#logger.error(form.message);
      return jsonReply({ success: false, message: form.message, host: currentHost() }, form.status);
    }
    const workers = this.#runner.workers?.();
    if (workers && !workers.some((w) => ACTIVE_WORKER_STATES.has(w.state))) {
      return jsonReply({ success: false, message: NO_WORKERS, host: currentHost() });
    }
    await this.#control.swarm(form);
    this.#statsCache = undefined;
    const reply: Record<string, unknown> = { success: true, message: 'Swarming started', host: form.host ?? currentHost() };
    if (form.runTime) reply['run_time'] = form.runTime;
    return jsonReply(reply);
  }

  async #stop(): Promise<Reply> {
    await this.#control.stop();
    this.#statsCache = undefined;
    return jsonReply({ success: true, message: 'Test stopped' });
  }

  #reset(): Reply {
    this.#control.resetStats();
    this.#statsCache = undefined;
    return textReply('ok');
  }

  #quit(): Reply {
    const quit = this.#opts.onQuitRequested;
    // After the reply is written, so the page learns the quit was accepted.
    setImmediate(() => quit?.());
    return jsonReply({ success: true, message: 'Quitting' });
  }

  /** Memoized like Locust's (2 s there); the time doubles when building it takes longer. */
  #statsRequests(): Reply {
    const now = Date.now();
    if (!this.#statsCache || this.#statsCache.until <= now) {
      const started = performance.now();
      const text = JSON.stringify(requestsReport(this.#runner));
      const took = performance.now() - started;
      this.#statsCache = { text, until: now + Math.max(this.#opts.statsCacheMs ?? 1000, 2 * took) };
    }
    return { status: 200, headers: { 'content-type': 'application/json' }, body: this.#statsCache.text };
  }

  /** The runner's families, then the output families'; the exposition must end with a newline. */
  #metrics(): string {
    return renderMetrics(this.#runner) + extraMetrics(this.#opts.outputs);
  }

  #historyPage(query: URLSearchParams): ReturnType<StatsHistory['read']> {
    const run = query.get('run');
    const after = query.get('after');
    return this.history.read(run === null ? undefined : Number(run), after === null ? undefined : Number(after));
  }
}

/** `/locust/` -> `/locust`; '' and '/' -> ''. */
export function normalizeBasePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (!trimmed.startsWith('/')) throw new Error(`The web base path must start with '/', got '${path}'`);
  return trimmed;
}

/**
 * True when a browser says another site made this request (Fetch Metadata). Browsers send
 * `Sec-Fetch-Site` on every request, so a form or image on a foreign page cannot start or stop
 * a test; scripts and curl send none and pass. A different port on the same host is same-site,
 * not same-origin, and is refused too. Origin checks would break behind proxies that rewrite Host.
 */
function sentByAnotherSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}
