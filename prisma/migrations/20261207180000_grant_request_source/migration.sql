-- Where a request came from (issue 18): the API token that filed it, and the repository and commit a
-- `rules sync` named, so the approver sees them on the review page. Null for console requests.
ALTER TABLE grants ADD COLUMN request_token_id uuid REFERENCES api_tokens(id) ON DELETE SET NULL;
ALTER TABLE grants ADD COLUMN request_token_name text;
ALTER TABLE grants ADD COLUMN source_repository text;
ALTER TABLE grants ADD COLUMN source_commit text;
CREATE INDEX grants_request_token_id_idx ON grants (request_token_id);
-- The review's history (earlier rejections of the same access) and the inbox's filters read by service.
CREATE INDEX grants_service_destination_port_idx ON grants (service_id, destination_id, port);
