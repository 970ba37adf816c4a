export { main } from './main.ts';
export type { MainContext } from './main.ts';
export { CliError } from './errors.ts';
