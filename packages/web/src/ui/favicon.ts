/**
 * The UI's icon: a green hexagon with an "L", as SVG (a few hundred bytes, sharp at any size).
 * Browsers ask for /favicon.ico whatever the page links; modern ones accept SVG there too.
 */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<path d="M16 1.5 28.6 8.75v14.5L16 30.5 3.4 23.25V8.75z" fill="#2e7d32"/>' +
  '<path d="M11.5 8.5h3.6v11.8h6.4v3.2h-10z" fill="#fff"/>' +
  '</svg>';
