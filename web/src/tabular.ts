import { getModelMetadata, postProcess } from './api.js';
import { byId, el } from './dom.js';
import { featureCount } from './features.js';
import { state } from './state.js';
import { timingRows } from './timing.js';
import { renderTable, renderTiming } from './views.js';

/**
 * Builds the tabular form from the model's inputs (GET /v2/models/{name}): one number field per
 * feature of the first input. The form posts one JSON row to /process; the CSV picker posts the
 * file as `input`. Results go into the table.
 */
export async function setUpTabular(
  name: string,
  report: (status: string) => void,
  guard: (action: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const meta = await getModelMetadata(name);
  const input = meta.inputs[0];
  if (!input) throw new Error('The model has no inputs');
  const fields = byId('tabular-fields');
  const count = featureCount(input.shape);
  fields.replaceChildren(
    ...Array.from({ length: count }, (_, i) => {
      const wrap = el('div', { class: 'field' });
      const id = `feature-${i}`;
      wrap.append(
        el('label', { for: id }, `${input.name} [${i}]`),
        el('input', {
          id,
          name: id,
          type: 'number',
          step: 'any',
          required: '',
          inputmode: 'decimal',
          value: '0',
        }),
      );
      return wrap;
    }),
  );
  const table = byId<HTMLTableElement>('tabular-results');
  const send = (body: Blob | object) => {
    state.status = 'busy';
    state.requests++;
    report('Predicting…');
    return postProcess(body);
  };
  const show = (reply: Awaited<ReturnType<typeof postProcess>>) => {
    if (reply.kind !== 'json') return;
    const predictions = (reply.body.predictions as Record<string, unknown>[] | undefined) ?? [];
    renderTable(table, predictions);
    state.rows = predictions;
    state.status = 'done';
    renderTiming(timingRows((reply.body.timing as Record<string, unknown>) ?? {}, reply.roundTripMs));
    report(`${predictions.length} prediction${predictions.length === 1 ? '' : 's'}`);
  };
  byId<HTMLFormElement>('tabular-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const row = Array.from({ length: count }, (_, i) => Number(byId<HTMLInputElement>(`feature-${i}`).value));
    void guard(async () => show(await send({ inputs: [row] })));
  });
  byId<HTMLInputElement>('csv').addEventListener('change', (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    void guard(async () => show(await send(file)));
  });
}
