// A plugin whose module fails while being imported (e.g. it checks its environment too early).
throw new Error('fixture exploded while importing: AWS_REGION is not set');
