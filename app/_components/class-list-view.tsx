'use client';
/**
 * The Students page: the teacher's class list (add by id, remove, import a CSV with a result per line) and, below it,
 * the attendance matrix. The CSV is read in the browser only to send its text; parsing and bounds are the server's.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { LOOSE_ID_MAX } from '@/server/services/input-rules';
import { useI18n } from '../_i18n/provider';
import { useTRPC } from '../_trpc/client';
import type { AddResult } from '../_trpc/types';
import { AttendanceMatrixView } from './attendance-matrix';
import { ErrorMessage } from './error-message';

/** Mirrors CLASS_CSV_MAX_CHARS: refuse an oversized file before reading it (the server checks again). */
const MAX_FILE_BYTES = 100_000;

function ResultsTable({ rows }: { rows: { line?: number; id: string; result: AddResult }[] }) {
  const { t } = useI18n();
  const count = (r: AddResult) => rows.filter((x) => x.result === r).length;
  return (
    <div data-testid="class-results">
      <p role="status">
        {t('classList.summary', {
          added: count('added'),
          listed: count('listed'),
          failed: rows.length - count('added') - count('listed'),
        })}
      </p>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('classList.results')}>
        <table>
          <thead>
            <tr>
              {rows[0]?.line !== undefined && <th scope="col">{t('classList.line')}</th>}
              <th scope="col">{t('classList.student')}</th>
              <th scope="col">{t('classList.result')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={`${r.line ?? i}-${r.id}`}>
                {r.line !== undefined && <td>{r.line}</td>}
                <td>{r.id}</td>
                <td data-result={r.result}>{t(`classList.result.${r.result}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function ClassListView() {
  const { t, dateTime } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [id, setId] = useState('');
  const [fileError, setFileError] = useState(false);
  const [results, setResults] = useState<{ line?: number; id: string; result: AddResult }[] | null>(null);
  const list = useQuery(trpc.classList.list.queryOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.classList.pathKey() });
  const add = useMutation(trpc.classList.add.mutationOptions({ onSuccess: (r) => setResults(r), onSettled: refresh }));
  const remove = useMutation(trpc.classList.remove.mutationOptions({ onSettled: refresh }));
  const importCsv = useMutation(
    trpc.classList.importCsv.mutationOptions({ onSuccess: (r) => setResults(r), onSettled: refresh }),
  );
  // A new attempt forgets the last one's results and errors: an old import's table must never sit under a new error.
  const fresh = () => {
    setResults(null);
    setFileError(false);
    add.reset();
    importCsv.reset();
    remove.reset();
  };

  return (
    <>
      <h1>{t('classList.title')}</h1>
      <p className="muted">{t('classList.intro')}</p>
      <div className="grid-2">
        <section className="card" aria-labelledby="add-h">
          <h2 id="add-h">{t('classList.add')}</h2>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (!id.trim()) return;
              fresh();
              add.mutate({ ids: [id.trim()] }, { onSuccess: () => setId('') });
            }}
          >
            <label htmlFor="class-add-id">{t('classList.addLabel')}</label>
            <input
              id="class-add-id"
              type="text"
              value={id}
              onChange={(e) => setId(e.target.value)}
              maxLength={LOOSE_ID_MAX}
              autoComplete="off"
              data-testid="class-add-id"
            />
            <button type="submit" className="primary" disabled={add.isPending} data-testid="class-add">
              {t('classList.add')}
            </button>
          </form>
          <h2 id="import-h">{t('classList.importTitle')}</h2>
          <p className="hint" id="import-hint">
            {t('classList.importHint')}
          </p>
          <label htmlFor="class-import">{t('classList.importFile')}</label>{' '}
          <input
            id="class-import"
            type="file"
            accept=".csv,.txt,text/csv,text/plain"
            aria-describedby="import-hint"
            data-testid="class-import"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (!f) return;
              fresh();
              setFileError(f.size > MAX_FILE_BYTES);
              if (f.size > MAX_FILE_BYTES) return;
              void f.text().then((text) => importCsv.mutate({ text }));
            }}
          />
          {fileError && (
            <p className="alert error" role="alert">
              {t('classList.tooLarge')}
            </p>
          )}
          <ErrorMessage error={add.error ?? importCsv.error ?? remove.error} />
          {results && <ResultsTable rows={results} />}
        </section>
        <section className="card" aria-labelledby="list-h">
          <h2 id="list-h">{t('classList.listTitle', { n: list.data?.length ?? 0 })}</h2>
          <ErrorMessage error={list.error} />
          {list.data && list.data.length === 0 && <p className="muted">{t('classList.empty')}</p>}
          {list.data && list.data.length > 0 && (
            <ul className="class-list" data-testid="class-list">
              {list.data.map((s) => (
                <li key={s.uid}>
                  <Link href={`/students/${encodeURIComponent(s.uid)}`}>{s.uid}</Link>{' '}
                  <span className="muted small">{dateTime(s.addedAt)}</span>{' '}
                  <button
                    type="button"
                    className="link"
                    aria-label={t('classList.removeLabel', { uid: s.uid })}
                    onClick={() => remove.mutate({ uid: s.uid })}
                  >
                    {t('classList.remove')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <AttendanceMatrixView />
    </>
  );
}
