import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GitData } from './github-git-data.js';

/** A stored issue comment, as the REST API returns it (the fields the action reads, plus ids). */
export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
  updated_at: string;
}

/** One request the server saw. */
export interface SeenRequest {
  method: string;
  path: string;
  authorization?: string;
  /** The comment body a POST or PATCH sent. */
  body?: string;
}

/** Options: who the token belongs to, and which tokens are accepted. */
export interface GitHubServerOptions {
  /** The token's own login, answered by `GET /user`. */
  login?: string;
  /** Accepted tokens (sent as `Authorization: token …` or `Bearer …`); others get 401. */
  tokens?: string[];
  /** `GET /user` answers 403 like an installation token (GITHUB_TOKEN) does. */
  userForbidden?: boolean;
}

/**
 * A local GitHub REST API for tests: real HTTP on 127.0.0.1, implementing `GET /user`, `GET` of a pull
 * request (its head commit and repository, declared with `setPull`) and the issue comment endpoints the
 * action uses (list with `per_page`/`page` pagination and `Link` headers, create,
 * update). Comments live in memory per `owner/repo#number`; tests seed them, read them back, count writes,
 * and make writes answer 403 as GitHub does for a read-only (fork PR) token.
 */
export class GitHubServer {
  readonly requests: SeenRequest[] = [];
  /** Issue keys (`owner/repo#n`) on which creating a comment answers 403. */
  readonly forbidCreate = new Set<string>();
  private readonly comments = new Map<string, FakeComment[]>();
  private readonly pulls = new Map<string, { sha: string; repo: string | null }>();
  private nextId = 1000;
  private server?: Server;
  private readonly login: string;
  private readonly tokens: string[];
  /** Repositories' git data (blobs, trees, commits, refs) and pull requests: see github-git-data.ts. */
  readonly git = new GitData();

  constructor(private readonly options: GitHubServerOptions = {}) {
    this.login = options.login ?? 'tracegate-bot';
    this.tokens = options.tokens ?? ['test-token'];
  }

  /** Start listening on an ephemeral port of 127.0.0.1. */
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => send(res, 500, { message: error.message }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** The API base URL (what GITHUB_API_URL is set to). */
  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((e) => (e ? reject(e) : resolve())));
  }

  /** Add a comment as `login` (e.g. other people's comments, or a stale marked one from another bot). */
  seed(issue: string, body: string, login: string): FakeComment {
    const now = new Date().toISOString();
    const c: FakeComment = {
      id: this.nextId++,
      body,
      user: { login, type: login.endsWith('[bot]') ? 'Bot' : 'User' },
      created_at: now,
      updated_at: now,
    };
    this.list(issue).push(c);
    return c;
  }

  /**
   * Declare a pull request (`owner/repo#n`) with its head commit and head repository (`null`: the fork was
   * deleted), answered by `GET /repos/{owner}/{repo}/pulls/{n}`. Others go to the git data API's pulls
   * (404 when it does not know the repository).
   */
  setPull(issue: string, head: { sha: string; repo: string | null }): void {
    this.pulls.set(issue, head);
  }

  /** The comments on an issue, oldest first. */
  list(issue: string): FakeComment[] {
    let list = this.comments.get(issue);
    if (!list) this.comments.set(issue, (list = []));
    return list;
  }

  /** Writes seen so far (POST and PATCH). */
  writes(): SeenRequest[] {
    return this.requests.filter((r) => r.method === 'POST' || r.method === 'PATCH');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
    };
    this.requests.push(seen);
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.tokens.includes(token)) return send(res, 401, { message: 'Bad credentials' });

    if (req.method === 'GET' && url.pathname === '/user') {
      if (this.options.userForbidden)
        return send(res, 403, { message: 'Resource not accessible by integration' });
      return send(res, 200, { login: this.login, id: 1, type: 'Bot' });
    }
    let m = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/.exec(url.pathname);
    const pull = m && req.method === 'GET' ? this.pulls.get(`${m[1]}/${m[2]}#${m[3]}`) : undefined;
    if (m && pull) {
      const repo = pull.repo
        ? { full_name: pull.repo, name: pull.repo.split('/')[1], owner: { login: pull.repo.split('/')[0] } }
        : null;
      return send(res, 200, {
        number: Number(m[3]),
        state: 'open',
        head: { sha: pull.sha, ref: 'topic', repo },
        base: { sha: 'b'.repeat(40), ref: 'main', repo: { full_name: `${m[1]}/${m[2]}` } },
      });
    }
    if (await this.git.handle(req, res, url, this.login)) return;
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (m) {
      const issue = `${m[1]}/${m[2]}#${m[3]}`;
      if (req.method === 'GET') {
        const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
        const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
        const all = this.list(issue);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const link = (p: number, rel: string) => {
          const u = new URL(url.href);
          u.host = req.headers.host ?? u.host;
          u.searchParams.set('per_page', String(perPage));
          u.searchParams.set('page', String(p));
          return `<${u.href}>; rel="${rel}"`;
        };
        const links = [];
        if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
        if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
        return send(
          res,
          200,
          all.slice((page - 1) * perPage, page * perPage),
          links.length ? { link: links.join(', ') } : {},
        );
      }
      if (req.method === 'POST') {
        if (this.forbidCreate.has(issue))
          return send(res, 403, { message: 'Resource not accessible by integration' });
        const { body } = (await readJson(req)) as { body?: string };
        seen.body = body;
        if (typeof body !== 'string' || body.length === 0)
          return send(res, 422, { message: 'body is required' });
        if (body.length > 65536)
          return send(res, 422, { message: 'Body is too long (maximum is 65536 characters)' });
        return send(res, 201, this.seed(issue, body, this.login));
      }
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (m && req.method === 'PATCH') {
      const id = Number(m[3]);
      const comment = [...this.comments.values()].flat().find((c) => c.id === id);
      if (!comment) return send(res, 404, { message: 'Not Found' });
      // As GitHub: only the author may edit with this token.
      if (comment.user.login !== this.login)
        return send(res, 403, { message: 'Resource not accessible by integration' });
      const { body } = (await readJson(req)) as { body?: string };
      seen.body = body;
      if (typeof body !== 'string' || body.length > 65536) return send(res, 422, { message: 'Invalid body' });
      comment.body = body;
      comment.updated_at = new Date().toISOString();
      return send(res, 200, comment);
    }
    return send(res, 404, { message: `Not Found: ${req.method} ${url.pathname}` });
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}
