import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A stored pull request (the fields harvest reads and writes). */
export interface FakePull {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string;
  head: { ref: string; sha: string; label: string };
  base: { ref: string };
  html_url: string;
  user: { login: string };
}

interface Repo {
  default_branch: string;
  /** sha → object. Trees are flat: full path → blob sha (what a recursive tree listing shows). */
  blobs: Map<string, Buffer>;
  trees: Map<string, Map<string, string>>;
  commits: Map<string, { tree: string; parents: string[]; message: string }>;
  refs: Map<string, string>;
  pulls: FakePull[];
}

function sha1(kind: string, body: string | Buffer): string {
  return createHash('sha1').update(`${kind}\0`).update(body).digest('hex');
}

/**
 * The git data API (blobs, trees, commits, refs) and the pulls API (list, create, update) of a local
 * GitHub server, in memory per `owner/repo`. Tests seed a repository with files on a branch, then read
 * branches' files and pull requests back. Counts of writes tell whether a run changed anything.
 */
export class GitData {
  private readonly repos = new Map<string, Repo>();

  /** Create a repository whose `branch` (the default branch) holds `files`. */
  seed(fullName: string, files: Record<string, string>, branch = 'main'): string {
    const repo: Repo = {
      default_branch: branch,
      blobs: new Map(),
      trees: new Map(),
      commits: new Map(),
      refs: new Map(),
      pulls: [],
    };
    this.repos.set(fullName, repo);
    const tree = new Map<string, string>();
    for (const [p, content] of Object.entries(files)) tree.set(p, this.putBlob(repo, Buffer.from(content)));
    const treeSha = this.putTree(repo, tree);
    const commit = this.putCommit(repo, { tree: treeSha, parents: [], message: 'initial' });
    repo.refs.set(`heads/${branch}`, commit);
    return commit;
  }

  /** The files of a branch (undefined when the branch does not exist). */
  files(fullName: string, branch: string): Record<string, string> | undefined {
    const repo = this.repos.get(fullName)!;
    const head = repo.refs.get(`heads/${branch}`);
    if (!head) return undefined;
    const tree = repo.trees.get(repo.commits.get(head)!.tree)!;
    return Object.fromEntries([...tree].map(([p, sha]) => [p, repo.blobs.get(sha)!.toString('utf8')]));
  }

  /** Commits reachable from a branch head, newest first. */
  history(fullName: string, branch: string): Array<{ sha: string; message: string }> {
    const repo = this.repos.get(fullName)!;
    const out: Array<{ sha: string; message: string }> = [];
    let sha = repo.refs.get(`heads/${branch}`);
    while (sha) {
      const c = repo.commits.get(sha)!;
      out.push({ sha, message: c.message });
      sha = c.parents[0];
    }
    return out;
  }

  pulls(fullName: string): FakePull[] {
    return this.repos.get(fullName)?.pulls ?? [];
  }

  private putBlob(repo: Repo, content: Buffer): string {
    const sha = sha1('blob', content);
    repo.blobs.set(sha, content);
    return sha;
  }

  private putTree(repo: Repo, tree: Map<string, string>): string {
    const sha = sha1('tree', JSON.stringify([...tree].sort()));
    repo.trees.set(sha, tree);
    return sha;
  }

  private putCommit(repo: Repo, commit: { tree: string; parents: string[]; message: string }): string {
    const sha = sha1('commit', JSON.stringify({ ...commit, n: repo.commits.size }));
    repo.commits.set(sha, commit);
    return sha;
  }

  /** Handle a git data or pulls request; false when the path is not one of them. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL, login: string): Promise<boolean> {
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) return false;
    const repo = this.repos.get(`${m[1]}/${m[2]}`);
    const rest = m[3] ?? '';
    const route = /^\/(git|pulls)\b/.test(rest) || rest === '';
    if (!route) return false;
    if (!repo) return send(res, 404, { message: 'Not Found' });
    const method = req.method ?? 'GET';
    const body = method === 'GET' ? {} : ((await readJson(req)) as Record<string, any>);
    let r: RegExpExecArray | null;

    if (rest === '' && method === 'GET')
      return send(res, 200, { full_name: `${m[1]}/${m[2]}`, default_branch: repo.default_branch });

    if ((r = /^\/git\/ref\/(.+)$/.exec(rest)) && method === 'GET') {
      const sha = repo.refs.get(decodeURIComponent(r[1]));
      if (!sha) return send(res, 404, { message: 'Not Found' });
      return send(res, 200, { ref: `refs/${r[1]}`, object: { sha, type: 'commit' } });
    }
    if (rest === '/git/refs' && method === 'POST') {
      const name = String(body.ref ?? '').replace(/^refs\//, '');
      if (repo.refs.has(name)) return send(res, 422, { message: 'Reference already exists' });
      if (!repo.commits.has(body.sha)) return send(res, 422, { message: 'Object does not exist' });
      repo.refs.set(name, body.sha);
      return send(res, 201, { ref: `refs/${name}`, object: { sha: body.sha, type: 'commit' } });
    }
    if ((r = /^\/git\/refs\/(.+)$/.exec(rest)) && method === 'PATCH') {
      const name = decodeURIComponent(r[1]);
      const current = repo.refs.get(name);
      if (!current) return send(res, 422, { message: 'Reference does not exist' });
      if (!repo.commits.has(body.sha)) return send(res, 422, { message: 'Object does not exist' });
      // Without force, only a fast-forward is allowed.
      if (!body.force && !this.reaches(repo, body.sha, current))
        return send(res, 422, { message: 'Update is not a fast forward' });
      repo.refs.set(name, body.sha);
      return send(res, 200, { ref: `refs/${name}`, object: { sha: body.sha, type: 'commit' } });
    }
    if ((r = /^\/git\/commits\/([0-9a-f]{40})$/.exec(rest)) && method === 'GET') {
      const c = repo.commits.get(r[1]);
      if (!c) return send(res, 404, { message: 'Not Found' });
      return send(res, 200, {
        sha: r[1],
        message: c.message,
        tree: { sha: c.tree },
        parents: c.parents.map((sha) => ({ sha })),
      });
    }
    if (rest === '/git/commits' && method === 'POST') {
      if (!repo.trees.has(body.tree)) return send(res, 422, { message: 'Tree does not exist' });
      const parents: string[] = body.parents ?? [];
      if (parents.some((p) => !repo.commits.has(p)))
        return send(res, 422, { message: 'Parent does not exist' });
      const sha = this.putCommit(repo, { tree: body.tree, parents, message: String(body.message ?? '') });
      return send(res, 201, { sha, tree: { sha: body.tree }, parents: parents.map((p) => ({ sha: p })) });
    }
    if ((r = /^\/git\/trees\/([0-9a-f]{40})$/.exec(rest)) && method === 'GET') {
      const t = repo.trees.get(r[1]);
      if (!t) return send(res, 404, { message: 'Not Found' });
      return send(res, 200, {
        sha: r[1],
        truncated: false,
        tree: [...t].map(([p, sha]) => ({ path: p, mode: '100644', type: 'blob', sha })),
      });
    }
    if (rest === '/git/trees' && method === 'POST') {
      const base = body.base_tree ? repo.trees.get(body.base_tree) : new Map<string, string>();
      if (!base) return send(res, 422, { message: 'base_tree does not exist' });
      const tree = new Map(base);
      for (const entry of (body.tree ?? []) as Array<Record<string, any>>) {
        if (entry.sha === null) tree.delete(entry.path);
        else if (typeof entry.content === 'string')
          tree.set(entry.path, this.putBlob(repo, Buffer.from(entry.content)));
        else if (repo.blobs.has(entry.sha)) tree.set(entry.path, entry.sha);
        else return send(res, 422, { message: `blob ${entry.sha} does not exist` });
      }
      const sha = this.putTree(repo, tree);
      return send(res, 201, { sha, truncated: false, tree: [] });
    }
    if ((r = /^\/git\/blobs\/([0-9a-f]{40})$/.exec(rest)) && method === 'GET') {
      const b = repo.blobs.get(r[1]);
      if (!b) return send(res, 404, { message: 'Not Found' });
      return send(res, 200, { sha: r[1], size: b.length, encoding: 'base64', content: b.toString('base64') });
    }
    if (rest === '/git/blobs' && method === 'POST') {
      const content = Buffer.from(String(body.content ?? ''), body.encoding === 'base64' ? 'base64' : 'utf8');
      return send(res, 201, { sha: this.putBlob(repo, content) });
    }
    if (rest === '/pulls' && method === 'GET') {
      const state = url.searchParams.get('state') ?? 'open';
      const head = url.searchParams.get('head');
      const list = repo.pulls.filter(
        (p) => (state === 'all' || p.state === state) && (!head || p.head.label === head),
      );
      return send(res, 200, list);
    }
    if (rest === '/pulls' && method === 'POST') {
      const headRef = String(body.head ?? '').replace(/^[^:]+:/, '');
      const sha = repo.refs.get(`heads/${headRef}`);
      if (!sha) return send(res, 422, { message: `head ${body.head} does not exist` });
      if (repo.pulls.some((p) => p.state === 'open' && p.head.ref === headRef))
        return send(res, 422, { message: `A pull request already exists for ${m[1]}:${headRef}.` });
      const number = repo.pulls.length + 1;
      const pull: FakePull = {
        number,
        state: 'open',
        title: String(body.title ?? ''),
        body: String(body.body ?? ''),
        head: { ref: headRef, sha, label: `${m[1]}:${headRef}` },
        base: { ref: String(body.base ?? repo.default_branch) },
        html_url: `https://github.test/${m[1]}/${m[2]}/pull/${number}`,
        user: { login },
      };
      repo.pulls.push(pull);
      return send(res, 201, pull);
    }
    if ((r = /^\/pulls\/(\d+)$/.exec(rest)) && method === 'PATCH') {
      const pull = repo.pulls.find((p) => p.number === Number(r![1]));
      if (!pull) return send(res, 404, { message: 'Not Found' });
      if (typeof body.body === 'string') pull.body = body.body;
      if (typeof body.title === 'string') pull.title = body.title;
      if (body.state === 'closed' || body.state === 'open') pull.state = body.state;
      return send(res, 200, pull);
    }
    return send(res, 404, { message: `Not Found: ${method} ${url.pathname}` });
  }

  /** Is `ancestor` reachable from `sha` (first parents and merges)? */
  private reaches(repo: Repo, sha: string, ancestor: string): boolean {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length) {
      const s = stack.pop()!;
      if (s === ancestor) return true;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...(repo.commits.get(s)?.parents ?? []));
    }
    return false;
  }
}

function send(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
  return true;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}
