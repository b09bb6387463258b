-- The straightforward ledger a user might write on PostgreSQL: one transaction per
-- transfer, updating two balance rows and inserting one transfer row. The rows are locked
-- in id order, so concurrent clients never deadlock. `:hot` = 1 makes every transfer debit
-- account 1 (a restricted pool every importer's payment debits).
\set other random(2, :accounts)
\set debit (1 - :hot) * random(1, :accounts) + :hot * 1
\set credit :other
\set low least(:debit, :credit)
\set high greatest(:debit, :credit)
BEGIN;
UPDATE bench_account SET balance = balance + CASE WHEN id = :credit THEN 1 ELSE -1 END WHERE id = :low;
UPDATE bench_account SET balance = balance + CASE WHEN id = :credit THEN 1 ELSE -1 END WHERE id = :high AND :high <> :low;
INSERT INTO bench_transfer (debit, credit, amount) VALUES (:debit, :credit, 1);
END;
