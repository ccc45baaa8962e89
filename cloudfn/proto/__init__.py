"""Protobuf messages of the cloud platform's ``/admin`` ``wx.openApi`` wire.

``openapi.proto`` is the source; ``openapi_pb2.py`` (+ ``.pyi``) is generated
from it and committed, so installing cloudfn needs only the ``protobuf``
runtime, not a compiler. Regenerate after editing the .proto (from the
repository root; grpcio-tools is a tool here, not a dependency, and its
bundled protoc must be no newer than the protobuf runtime pinned in pyproject)::

    python -m venv /tmp/protogen && /tmp/protogen/bin/pip install grpcio-tools
    /tmp/protogen/bin/python -m grpc_tools.protoc -I. --python_out=. --pyi_out=. cloudfn/proto/openapi.proto
"""

from .openapi_pb2 import (
    ApiGetOpenDataByCloudIdReq,
    ApiGetOpenDataByCloudIdResp,
    CommApiData,
    CommOpenApiResp,
    HttpHeader,
    KeyValuePair,
    OpenApiData,
)

__all__ = [
    "ApiGetOpenDataByCloudIdReq",
    "ApiGetOpenDataByCloudIdResp",
    "CommApiData",
    "CommOpenApiResp",
    "HttpHeader",
    "KeyValuePair",
    "OpenApiData",
]
