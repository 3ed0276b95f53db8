// The whole schema, one file per area; drizzle-kit reads this file to generate migrations.
export * from './core';
export * from './imports';
export * from './transfers';
export * from './supervision';
