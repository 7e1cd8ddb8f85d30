/**
 * graphile-worker reads NO_LOG_SUCCESS when its modules load; its own perfTest sets it so that a line per finished
 * job is not part of what is measured. Imported before graphile-worker, in this process and in graphile-child.ts.
 */
process.env.NO_LOG_SUCCESS = '1';
