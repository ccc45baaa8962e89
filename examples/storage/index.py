"""Notes kept in cloud storage, ported from index.js: save a note as a file, hand out a link
to it, read it back, remove it. ``event["steps"]`` runs several of these in one call."""

import os
import tempfile
from pathlib import Path

import cloudfn

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})


async def main(event, context):
    try:
        out = {}
        file_id = event.get("fileID")
        for step in event.get("steps") or ["save"]:
            if step == "save":
                res = await cloud.uploadFile(
                    {"cloudPath": event.get("cloudPath"), "fileContent": (event.get("text") or "").encode()}
                )
                file_id = res["fileID"]
                out["save"] = res
            elif step == "saveFromDisk":
                # A local file, streamed rather than read whole.
                local = os.path.join(tempfile.gettempdir(), f"note-{context.get('request_id') or 'x'}.py.txt")
                Path(local).write_text(event.get("text") or "", encoding="utf-8")  # noqa: ASYNC240 - as fs.writeFileSync
                # uploadFile reads the open file in a thread, chunk by chunk.
                with open(local, "rb") as handle:  # noqa: ASYNC230 - a quick local open, as in the original
                    res = await cloud.uploadFile({"cloudPath": event.get("cloudPath"), "fileContent": handle})
                os.unlink(local)
                file_id = res["fileID"]
                out["saveFromDisk"] = res
            elif step == "saveQRCode":
                # The common case: a mini program code made by WeChat, kept in storage.
                code = await cloud.openapi.wxacode.getUnlimited({"scene": event.get("scene") or "id=1"})
                res = await cloud.uploadFile(
                    {"cloudPath": event.get("cloudPath"), "fileContent": code["buffer"]}
                )
                file_id = res["fileID"]
                out["saveQRCode"] = {
                    "contentType": code["contentType"],
                    "size": len(code["buffer"]),
                    "fileID": res["fileID"],
                }
            elif step == "link":
                out["link"] = await cloud.getTempFileURL({"fileList": [file_id]})
            elif step == "linkFor":
                out["linkFor"] = await cloud.getTempFileURL(
                    {"fileList": [{"fileID": file_id, "maxAge": event.get("maxAge")}]}
                )
            elif step == "read":
                res = await cloud.downloadFile({"fileID": file_id})
                out["read"] = {
                    "text": res["fileContent"].decode("utf-8"),
                    "statusCode": res["statusCode"],
                    "errMsg": res["errMsg"],
                }
            elif step == "remove":
                out["remove"] = await cloud.deleteFile({"fileList": [file_id]})
        return out
    except cloudfn.CloudSDKError as err:
        return err
