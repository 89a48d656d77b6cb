-- Issue 15: a delivery carries the papers matched for it when its period was planned, so
-- a sender (a Workers queue consumer with a batch of 50) only claims, renders and sends.
-- JSON [[num, "reason", …], …] in rank order; NULL until matched (rows planned before
-- this column existed are matched when they are sent, as before).
ALTER TABLE deliveries ADD COLUMN planned_papers TEXT;

-- Workers: the enqueue chain that put a delivery on the send queue ("<cron time> <random>"),
-- so two chains running at once (the weekly and the daily cron on a Monday) enqueue each
-- delivery once. NULL on Node, and until a chain enqueues it.
ALTER TABLE deliveries ADD COLUMN enqueued_by TEXT;

-- DELIVERY_RETENTION_DAYS prunes by age every day; this keeps that from reading the table.
CREATE INDEX deliveries_created_at ON deliveries (created_at);
