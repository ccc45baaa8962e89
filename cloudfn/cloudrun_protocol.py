"""Names of the Cloud Run open-API service's wire, shared by its transport and its emulation."""

SEQID_HEADER = "x-openapi-seqid"  # the platform's request id on every answer
NOT_WHITELISTED = 85107  # errcode for an API off the service's whitelist (云托管 > 云调用 > 开放接口服务)
