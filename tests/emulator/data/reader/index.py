"""A function that reads what a data folder put in the database and storage."""

import cloudfn

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})
db = cloud.database()


async def main(event, context):
    found = await db.collection("posts").orderBy("_id", "asc").get()
    file = await cloud.downloadFile({"fileID": "cloud://local.6c6f-local-1300000000/notes/hello.txt"})
    return {"titles": [d["title"] for d in found["data"]], "note": file["fileContent"].decode()}
