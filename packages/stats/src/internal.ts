// Methods RequestStats calls on its entries. Symbol keys keep them off the public surface
// (src/index.ts does not export this module) without a closure or a lookup on the hot path.
export const kLog: unique symbol = Symbol('locusta.stats.log');
export const kLogError: unique symbol = Symbol('locusta.stats.logError');
export const kReset: unique symbol = Symbol('locusta.stats.reset');
export const kSerialize: unique symbol = Symbol('locusta.stats.serialize');
export const kMerge: unique symbol = Symbol('locusta.stats.merge');
