import { followLink, href } from '../router';

/** Where a page sits: links to the pages above it, then the page itself, marked as the current one. */
export function Breadcrumb({ trail, current }: { trail: { label: string; path: string }[]; current: string }) {
  return (
    <nav aria-label="Breadcrumb" class="breadcrumb">
      <ol>
        {trail.map(({ label, path }) => (
          <li key={path}>
            <a href={href(path)} onClick={(event) => followLink(event, path)}>
              {label}
            </a>
          </li>
        ))}
        <li>
          <span aria-current="page">{current}</span>
        </li>
      </ol>
    </nav>
  );
}
