-- Case histories name steps by the action enum (SUBMIT_BIRTH_REGISTRATION, …) since birth became a
-- module (issue 9); earlier entries used short names (submit, …). The one rewrite of the append-only
-- history: its guard is lifted for this statement only.
DROP TRIGGER case_actions_no_update;

--bun:split
UPDATE case_actions SET action = CASE action WHEN 'intake' THEN 'START_BIRTH_REGISTRATION' WHEN 'modify' THEN 'MODIFY_BIRTH_REGISTRATION' WHEN 'submit' THEN 'SUBMIT_BIRTH_REGISTRATION' WHEN 'extracted' THEN 'BIRTH_EXTRACTED' WHEN 'refusalReceived' THEN 'BIRTH_REFUSAL_RECEIVED' WHEN 'formReceived' THEN 'BIRTH_FORM_RECEIVED' WHEN 'print' THEN 'PRINT_BIRTH_FORM' WHEN 'reportErrors' THEN 'REPORT_BIRTH_ERRORS' WHEN 'returnSigned' THEN 'RETURN_SIGNED_BIRTH_FORM' WHEN 'filed' THEN 'BIRTH_FILED' WHEN 'closeRefused' THEN 'CLOSE_REFUSED_BIRTH_REGISTRATION' WHEN 'received' THEN 'BIRTH_APPLICATION_RECEIVED' WHEN 'approve' THEN 'APPROVE_BIRTH_REGISTRATION' WHEN 'refuse' THEN 'REFUSE_BIRTH_REGISTRATION' WHEN 'settle' THEN 'SETTLE_BIRTH_REGISTRATION' WHEN 'errorsReported' THEN 'BIRTH_ERRORS_REPORTED' WHEN 'correctMinor' THEN 'CORRECT_BIRTH_MINOR' WHEN 'requestMajorChange' THEN 'REQUEST_BIRTH_MAJOR_CHANGE' WHEN 'approveMajorChange' THEN 'APPROVE_BIRTH_MAJOR_CHANGE' WHEN 'rejectMajorChange' THEN 'REJECT_BIRTH_MAJOR_CHANGE' WHEN 'resendForm' THEN 'RESEND_BIRTH_FORM' WHEN 'signedReceived' THEN 'BIRTH_SIGNED_RECEIVED' WHEN 'file' THEN 'FILE_BIRTH_REGISTRATION' ELSE action END WHERE case_id IN (SELECT id FROM cases WHERE kind = 'BIRTH');

--bun:split
CREATE TRIGGER case_actions_no_update BEFORE UPDATE ON case_actions
BEGIN SELECT RAISE(ABORT, 'case_actions is append-only'); END;
