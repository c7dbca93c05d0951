import {
  nextPageSearch,
  type Page,
  pageNumber,
  type PageSearch,
  previousPageSearch,
} from '../../lib/pagination.ts';

interface PagerProps {
  search: PageSearch;
  /** The page on show; `undefined` while it loads. */
  data: Page<unknown> | undefined;
  onChange: (page: PageSearch) => void;
  label?: string;
}

/** Previous / next over the API's cursors; the position lives in the URL. */
export function Pager({ search, data, onChange, label = 'Pagination' }: PagerProps) {
  const page = pageNumber(search);
  const nextCursor = data?.nextCursor;
  const shown = data?.items.length ?? 0;
  if (page === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={label}>
      <span className="muted small">
        Page {page} · {shown} shown
      </span>
      <button
        type="button"
        className="btn"
        disabled={page === 1}
        onClick={() => onChange(previousPageSearch(search))}
      >
        Previous page
      </button>
      <button
        type="button"
        className="btn"
        disabled={!nextCursor}
        onClick={() => nextCursor && onChange(nextPageSearch(search, nextCursor))}
      >
        Next page
      </button>
    </nav>
  );
}
