"""What every slice may use: the audit log and the @service rule, who may do
what (access), rate limits, middleware."""
