import type { ComponentChildren } from 'preact';
import type { Loaded } from '../hooks';
import type { Page } from '../types';
import { ErrorBanner } from './ErrorBanner';
import { Pagination } from './JobsPage';

/** A column head: its text, with a tooltip, or read only by assistive technology (an actions column). */
export type Column = string | { label: string; title?: string; hidden?: boolean };

/**
 * The scaffolding of a paginated list: its load error, "Loading…", the message for no rows, the table
 * with its caption and column heads, and the pages under it. `rows` renders the tbody elements.
 */
export function PagedTable<T>(props: {
  loaded: Loaded<Page<T>>;
  noun: string;
  caption: string;
  class: string;
  columns: Column[];
  empty?: ComponentChildren;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  rows: (items: T[]) => ComponentChildren;
}) {
  const { loaded, noun, caption, columns, empty, page, pageSize, onPage, rows } = props;
  const data = loaded.data;
  return (
    <>
      <ErrorBanner error={loaded.error} prefix={`Could not ${data ? 'refresh' : 'load'} the ${noun}:`} onRetry={loaded.reload} />
      {!data && !loaded.error && <p class="muted">Loading {noun}…</p>}
      {data && data.total === 0 && empty && <p class="empty">{empty}</p>}
      {data && data.data.length > 0 && (
        <>
          <table class={`table ${props.class}`}>
            <caption class="visually-hidden">{caption}</caption>
            <thead>
              <tr>{columns.map(columnHead)}</tr>
            </thead>
            {rows(data.data)}
          </table>
          <Pagination page={page} results={data} pageSize={pageSize} noun={noun} onPage={onPage} />
        </>
      )}
    </>
  );
}

function columnHead(column: Column) {
  const { label, title, hidden } = typeof column === 'string' ? { label: column } : column;
  return (
    <th scope="col" title={title} key={label}>
      {hidden ? <span class="visually-hidden">{label}</span> : label}
    </th>
  );
}
