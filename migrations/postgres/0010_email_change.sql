-- What a verification link is for: confirming the address the account has ('verify'), or
-- moving the account to a new address once its owner proves they read it ('change').
ALTER TABLE email_verifications ADD COLUMN purpose TEXT NOT NULL DEFAULT 'verify';
