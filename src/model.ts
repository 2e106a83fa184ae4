/**
 * The shared vocabulary of gomod-doctor, one file per concern under src/model/: results (a row,
 * its status and category), causes, plan, evidence (network, go-evidence, host, build), report
 * and exit codes. The model is the machine contract's leaf: it imports only itself.
 */
export * from './model/results.js';
export * from './model/causes.js';
export * from './model/exit-code.js';
export * from './model/plan.js';
export * from './model/evidence.js';
export * from './model/network.js';
export * from './model/go-evidence.js';
export * from './model/host.js';
export * from './model/build.js';
export * from './model/report.js';
