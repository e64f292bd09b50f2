/**
 * The /AddJob page: each file given becomes a job (POST /jobs, with the playground's request for
 * the rocket's task), each job's status is followed live (GET /jobs/{id}), its result is drawn as
 * the playground draws it, and a finished job can be deleted (a waiting one canceled).
 */
import { getView, NO_VIEW, type PlaygroundView, waitForRocket } from './api.js';
import { byId, el, onDrop, pagePanels, showOnly } from './dom.js';
import { createGuard } from './guard.js';
import { refilterResult, type ShownResult, showJobResult, shownResult } from './job-result.js';
import { cancelJob, deleteJob, getJob, getJobResult, type JobJson, postJob } from './jobs-api.js';
import { wireSemantic } from './semantic.js';
import { formatMs } from './timing.js';
import { renderInfo, setSliders } from './views.js';

/** One job of this page: the file it was made from, and what the server last said of it. */
interface Entry {
  file: File;
  job: JobJson;
}

/** What the page knows, at `window.__jobs` for tests: the jobs, the one whose result is shown, and that result. */
interface JobsPageState {
  status: 'starting' | 'ready' | 'needs-key' | 'error';
  jobs: { id: string; file: string; status: JobJson['status']; error: string | null }[];
  shown: string | null;
  result: ShownResult;
  error?: string;
}

declare global {
  interface Window {
    __jobs: JobsPageState;
  }
}

const state: JobsPageState = { status: 'starting', jobs: [], shown: null, result: shownResult };
window.__jobs = state;

const PANELS = pagePanels();
const FINISHED = new Set(['succeeded', 'failed', 'canceled']);
const POLL_MS = 400;
const entries = new Map<string, Entry>();
let view: PlaygroundView = NO_VIEW;
let polling: ReturnType<typeof setTimeout> | undefined;

const report = (message: string) => {
  byId('status').textContent = message;
};

/** Runs what calls the server: a 401 asks for the API key and retries, other errors are reported. */
const guarded = createGuard({ state, report });

/** Mirrors the entries into the state and the table. */
function render(): void {
  const list = [...entries.values()];
  state.jobs = list.map(({ file, job }) => ({
    id: job.id,
    file: file.name,
    status: job.status,
    error: job.error?.message ?? null,
  }));
  byId('no-jobs').hidden = list.length > 0;
  byId('jobs-table').hidden = list.length === 0;
  byId('jobs-body').replaceChildren(...list.map(row));
}

/** A table row: the file, the job id, its status, how long it took, and what can be done with it. */
function row({ file, job }: Entry): HTMLTableRowElement {
  const tr = el('tr', { 'data-job': job.id });
  const status = el(
    'td',
    { 'data-status': job.status },
    job.error ? `${job.status}: ${job.error.message}` : job.status,
  );
  const took = job.finishedAt ? formatMs(Date.parse(job.finishedAt) - Date.parse(job.createdAt)) : '';
  const actions = el('td');
  const finished = FINISHED.has(job.status);
  if (job.status === 'succeeded') {
    const show = el('button', { type: 'button', 'data-action': 'show' }, 'Show result');
    show.addEventListener('click', () => void guarded(() => showResult(job.id)));
    actions.append(show, ' ');
  }
  const remove = el(
    'button',
    { type: 'button', 'data-action': finished ? 'delete' : 'cancel' },
    finished ? 'Delete' : 'Cancel',
  );
  remove.setAttribute('aria-label', `${finished ? 'Delete' : 'Cancel'} the job of ${file.name}`);
  remove.addEventListener(
    'click',
    () => void guarded(() => (finished ? deleteEntry(job.id) : cancel(job.id))),
  );
  actions.append(remove);
  tr.append(el('td', {}, file.name), el('td', {}, job.id.slice(0, 8)), status, el('td', {}, took), actions);
  tr.cells[1]?.setAttribute('title', job.id);
  return tr;
}

/** Queues every file as a job, in order, and follows them. */
async function queue(files: readonly File[]): Promise<void> {
  for (const file of files) {
    const job = await postJob(file, view.query, view.accept);
    entries.set(job.id, { file, job });
    render();
  }
  report(`${files.length} job${files.length === 1 ? '' : 's'} queued`);
  poll();
}

/** Asks for each unfinished job's status until every one has finished. */
function poll(): void {
  clearTimeout(polling);
  const waiting = [...entries.values()].filter((e) => !FINISHED.has(e.job.status));
  if (waiting.length === 0) return;
  polling = setTimeout(
    () =>
      void guarded(async () => {
        for (const entry of waiting) entry.job = await getJob(entry.job.id);
        render();
        poll();
      }),
    POLL_MS,
  );
}

async function showResult(id: string): Promise<void> {
  const entry = entries.get(id);
  if (!entry) return;
  report('Fetching the result…');
  const line = await showJobResult(await getJobResult(id), entry.file, view);
  state.shown = id;
  byId('result-title').textContent = `Result of ${entry.file.name}`;
  report(line);
}

async function cancel(id: string): Promise<void> {
  const entry = entries.get(id);
  if (!entry) return;
  entry.job = await cancelJob(id);
  render();
  poll();
}

async function deleteEntry(id: string): Promise<void> {
  await deleteJob(id);
  entries.delete(id);
  if (state.shown === id) {
    state.shown = null;
    byId('result').hidden = true;
  }
  render();
  report('Job deleted');
}

function wireInputs(): void {
  const files = byId<HTMLInputElement>('files');
  files.addEventListener('change', () => {
    const picked = [...(files.files ?? [])];
    files.value = '';
    if (picked.length) void guarded(() => queue(picked));
  });
  onDrop(byId('drop-zone'), (dropped) => void guarded(() => queue(dropped)));
  for (const id of ['confidence', 'iou', 'topk']) {
    byId(id).addEventListener('input', () => {
      const line = refilterResult(view);
      if (line) report(line);
    });
  }
  wireSemantic(report);
}

/** Waits for /health, shows the rocket, and sets the result panels up for its task. */
async function start(): Promise<void> {
  wireInputs();
  const health = await waitForRocket(report);
  if (!health) return;
  renderInfo(health);
  await guarded(async () => {
    view = await getView();
    showOnly(PANELS, view.panels);
    setSliders(view);
    state.status = 'ready';
    report('Drop or choose files: each becomes a job.');
  });
}

void start();
