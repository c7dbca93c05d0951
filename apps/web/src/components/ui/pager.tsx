import { nextPageSearch, pageNumber, previousPageSearch, type PageSearch } from '../../lib/pagination.ts';

interface PagerProps {
  search: PageSearch;
  nextCursor: string | null | undefined;
  onChange: (page: PageSearch) => void;
  shown: number;
  label?: string;
}

/** Previous / next over the API's cursors; the position lives in the URL. */
export function Pager({ search, nextCursor, onChange, shown, label = 'Pagination' }: PagerProps) {
  const page = pageNumber(search);
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
