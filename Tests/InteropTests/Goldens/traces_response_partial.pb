
-)3 spans rejected: invalid trace_id length