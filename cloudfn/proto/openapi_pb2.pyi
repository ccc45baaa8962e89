from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class HTTP_METHODS(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HTTP_METHOD_UNSPECIFIED: _ClassVar[HTTP_METHODS]
    HTTP_GET: _ClassVar[HTTP_METHODS]
    HTTP_POST: _ClassVar[HTTP_METHODS]
    HTTP_PUT: _ClassVar[HTTP_METHODS]
    HTTP_DELETE: _ClassVar[HTTP_METHODS]
    HTTP_HEAD: _ClassVar[HTTP_METHODS]
    HTTP_PATCH: _ClassVar[HTTP_METHODS]
HTTP_METHOD_UNSPECIFIED: HTTP_METHODS
HTTP_GET: HTTP_METHODS
HTTP_POST: HTTP_METHODS
HTTP_PUT: HTTP_METHODS
HTTP_DELETE: HTTP_METHODS
HTTP_HEAD: HTTP_METHODS
HTTP_PATCH: HTTP_METHODS

class KeyValuePair(_message.Message):
    __slots__ = ("key", "value", "contenttype", "filename")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CONTENTTYPE_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: bytes
    contenttype: str
    filename: str
    def __init__(self, key: _Optional[str] = ..., value: _Optional[bytes] = ..., contenttype: _Optional[str] = ..., filename: _Optional[str] = ...) -> None: ...

class OpenApiData(_message.Message):
    __slots__ = ("pairs",)
    PAIRS_FIELD_NUMBER: _ClassVar[int]
    pairs: _containers.RepeatedCompositeFieldContainer[KeyValuePair]
    def __init__(self, pairs: _Optional[_Iterable[_Union[KeyValuePair, _Mapping]]] = ...) -> None: ...

class InnerApiData(_message.Message):
    __slots__ = ("modid", "cmdid", "url", "useHttps", "method", "headers", "body")
    MODID_FIELD_NUMBER: _ClassVar[int]
    CMDID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    USEHTTPS_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    modid: int
    cmdid: int
    url: str
    useHttps: bool
    method: HTTP_METHODS
    headers: _containers.RepeatedScalarFieldContainer[str]
    body: bytes
    def __init__(self, modid: _Optional[int] = ..., cmdid: _Optional[int] = ..., url: _Optional[str] = ..., useHttps: _Optional[bool] = ..., method: _Optional[_Union[HTTP_METHODS, str]] = ..., headers: _Optional[_Iterable[str]] = ..., body: _Optional[bytes] = ...) -> None: ...

class SvrkitApiData(_message.Message):
    __slots__ = ("apiName", "reqData")
    APINAME_FIELD_NUMBER: _ClassVar[int]
    REQDATA_FIELD_NUMBER: _ClassVar[int]
    apiName: str
    reqData: bytes
    def __init__(self, apiName: _Optional[str] = ..., reqData: _Optional[bytes] = ...) -> None: ...

class TokenApiData(_message.Message):
    __slots__ = ("resourceAppid", "resourceEnv")
    RESOURCEAPPID_FIELD_NUMBER: _ClassVar[int]
    RESOURCEENV_FIELD_NUMBER: _ClassVar[int]
    resourceAppid: str
    resourceEnv: str
    def __init__(self, resourceAppid: _Optional[str] = ..., resourceEnv: _Optional[str] = ...) -> None: ...

class CommApiData(_message.Message):
    __slots__ = ("apiType", "openapiData", "innerData", "svrkitData", "tokenData", "appid")
    class ApiType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OPEN_API: _ClassVar[CommApiData.ApiType]
        INNER_API: _ClassVar[CommApiData.ApiType]
        SVRKIT_API: _ClassVar[CommApiData.ApiType]
        TOKEN_API: _ClassVar[CommApiData.ApiType]
    OPEN_API: CommApiData.ApiType
    INNER_API: CommApiData.ApiType
    SVRKIT_API: CommApiData.ApiType
    TOKEN_API: CommApiData.ApiType
    APITYPE_FIELD_NUMBER: _ClassVar[int]
    OPENAPIDATA_FIELD_NUMBER: _ClassVar[int]
    INNERDATA_FIELD_NUMBER: _ClassVar[int]
    SVRKITDATA_FIELD_NUMBER: _ClassVar[int]
    TOKENDATA_FIELD_NUMBER: _ClassVar[int]
    APPID_FIELD_NUMBER: _ClassVar[int]
    apiType: CommApiData.ApiType
    openapiData: OpenApiData
    innerData: InnerApiData
    svrkitData: SvrkitApiData
    tokenData: TokenApiData
    appid: str
    def __init__(self, apiType: _Optional[_Union[CommApiData.ApiType, str]] = ..., openapiData: _Optional[_Union[OpenApiData, _Mapping]] = ..., innerData: _Optional[_Union[InnerApiData, _Mapping]] = ..., svrkitData: _Optional[_Union[SvrkitApiData, _Mapping]] = ..., tokenData: _Optional[_Union[TokenApiData, _Mapping]] = ..., appid: _Optional[str] = ...) -> None: ...

class HttpHeader(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: str
    def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class CommOpenApiResp(_message.Message):
    __slots__ = ("respData", "contentType", "errorCode", "httpCode", "headers", "svrkitErrorCode")
    RESPDATA_FIELD_NUMBER: _ClassVar[int]
    CONTENTTYPE_FIELD_NUMBER: _ClassVar[int]
    ERRORCODE_FIELD_NUMBER: _ClassVar[int]
    HTTPCODE_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    SVRKITERRORCODE_FIELD_NUMBER: _ClassVar[int]
    respData: bytes
    contentType: str
    errorCode: int
    httpCode: int
    headers: _containers.RepeatedCompositeFieldContainer[HttpHeader]
    svrkitErrorCode: int
    def __init__(self, respData: _Optional[bytes] = ..., contentType: _Optional[str] = ..., errorCode: _Optional[int] = ..., httpCode: _Optional[int] = ..., headers: _Optional[_Iterable[_Union[HttpHeader, _Mapping]]] = ..., svrkitErrorCode: _Optional[int] = ...) -> None: ...

class ApiGetOpenDataByCloudIdReq(_message.Message):
    __slots__ = ("cloudidList", "appid")
    CLOUDIDLIST_FIELD_NUMBER: _ClassVar[int]
    APPID_FIELD_NUMBER: _ClassVar[int]
    cloudidList: _containers.RepeatedScalarFieldContainer[str]
    appid: str
    def __init__(self, cloudidList: _Optional[_Iterable[str]] = ..., appid: _Optional[str] = ...) -> None: ...

class ApiGetOpenDataByCloudIdResp(_message.Message):
    __slots__ = ("dataList",)
    class OpDataItem(_message.Message):
        __slots__ = ("cloudId", "json")
        CLOUDID_FIELD_NUMBER: _ClassVar[int]
        JSON_FIELD_NUMBER: _ClassVar[int]
        cloudId: str
        json: str
        def __init__(self, cloudId: _Optional[str] = ..., json: _Optional[str] = ...) -> None: ...
    DATALIST_FIELD_NUMBER: _ClassVar[int]
    dataList: _containers.RepeatedCompositeFieldContainer[ApiGetOpenDataByCloudIdResp.OpDataItem]
    def __init__(self, dataList: _Optional[_Iterable[_Union[ApiGetOpenDataByCloudIdResp.OpDataItem, _Mapping]]] = ...) -> None: ...
