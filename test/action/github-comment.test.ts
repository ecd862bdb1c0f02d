import {
  ACTIONS_BOT_LOGIN,
  createCommentApi,
  findComment,
  GitHubWriteError,
  upsertComment,
} from '../../src/action/github-comment.js';
import { commentMarker } from '../../src/action/comment.js';
import { GitHubServer } from '../servers/github-server.js';

const marker = commentMarker('tracegate');
const issue = { owner: 'acme', repo: 'app', number: 3 };
const key = 'acme/app#3';

describe('the comment API against a local GitHub (real HTTP)', () => {
  let server: GitHubServer;
  afterEach(async () => server?.close());

  test('GITHUB_TOKEN cannot GET /user: its comments are matched as github-actions[bot]', async () => {
    server = await new GitHubServer({ login: ACTIONS_BOT_LOGIN, userForbidden: true }).start();
    server.seed(key, `${marker}\nfrom a PAT bot`, 'release-bot');
    const mine = server.seed(key, `${marker}\nold`, ACTIONS_BOT_LOGIN);
    const api = await createCommentApi('test-token', issue, server.url);
    expect(await api.login()).toBe(ACTIONS_BOT_LOGIN);
    expect((await findComment(api, marker))?.id).toBe(mine.id);
  });

  test('pages through every comment (250 comments, 100 per page)', async () => {
    server = await new GitHubServer().start();
    for (let i = 0; i < 249; i++) server.seed(key, `comment ${i}`, 'dev');
    const mine = server.seed(key, `${marker}\nlast`, 'tracegate-bot');
    const api = await createCommentApi('test-token', issue, server.url);
    expect((await findComment(api, marker))?.id).toBe(mine.id);
    const pages = server.requests.filter((r) => r.path.startsWith('/repos/acme/app/issues/3/comments'));
    expect(pages.map((r) => new URL(r.path, 'http://x').searchParams.get('page') ?? '1')).toEqual([
      '1',
      '2',
      '3',
    ]);
  });

  test('create, update in place, then skip an identical body', async () => {
    server = await new GitHubServer().start();
    const api = await createCommentApi('test-token', issue, server.url);
    const first = await upsertComment(api, marker, `${marker}\nv1`, { create: true });
    expect(first.plan.action).toBe('create');
    const second = await upsertComment(api, marker, `${marker}\nv2`, { create: true });
    expect(second).toMatchObject({ plan: { action: 'update' }, id: first.id });
    const third = await upsertComment(api, marker, `${marker}\nv2`, { create: true });
    expect(third.plan.action).toBe('skip');
    expect(server.writes().map((w) => w.method)).toEqual(['POST', 'PATCH']);
    expect(server.list(key).map((c) => c.body)).toEqual([`${marker}\nv2`]);
  });

  test('a 403 on create is a GitHubWriteError with the status', async () => {
    server = await new GitHubServer().start();
    server.forbidCreate.add(key);
    const api = await createCommentApi('test-token', issue, server.url);
    const error = await upsertComment(api, marker, `${marker}\nx`, { create: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubWriteError);
    expect(error).toMatchObject({ status: 403 });
    expect((error as Error).message).toMatch(
      /^Creating the PR comment failed \(HTTP 403\): Resource not accessible by integration/,
    );
  });

  test('a bad token fails listing with 401', async () => {
    server = await new GitHubServer().start();
    const api = await createCommentApi('wrong', issue, server.url);
    await expect(findComment(api, marker)).rejects.toMatchObject({ status: 401 });
  });
});
