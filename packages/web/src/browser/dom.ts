/** The page's element with this id; the page always has the ids the script asks for. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}
