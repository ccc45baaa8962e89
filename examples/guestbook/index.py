"""The guestbook cloud function, ported from index.js: messages in the `messages` collection."""

import datetime as dt

import cloudfn
from cloudfn.database import TransactionRollback

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})

db = cloud.database()
_ = db.command
S = db.command.aggregate
messages = db.collection("messages")


async def main(event, context):
    openid = cloudfn.getWXContext()["OPENID"]
    action = event.get("action")
    try:
        if action == "post":
            added = await messages.add(
                {
                    "data": {
                        "author": openid,
                        "text": event["text"],
                        "tags": event.get("tags") or [],
                        "likes": 0,
                        "approved": False,
                        "createdAt": db.serverDate(),
                        "place": db.Geo.Point(113.32, 23.1),
                    }
                }
            )
            saved = await messages.doc(added["_id"]).get()
            return {"added": added, "saved": saved["data"]}
        if action == "list":
            return await (
                messages.where({"approved": True, "likes": _.gte(event.get("minLikes") or 0)})
                .orderBy("likes", "desc")
                .orderBy("createdAt", "asc")
                .skip(event.get("skip") or 0)
                .limit(event.get("limit") or 10)
                .field({"text": True, "author": True, "likes": True, "createdAt": True})
                .get()
            )
        if action == "search":
            where = {"text": db.RegExp({"regexp": event["q"], "options": "i"})}
            found = await messages.where(where).get()
            counted = await messages.where(where).count()
            return {"found": [m["_id"] for m in found["data"]], "total": counted["total"]}
        if action == "byTags":
            return await (
                messages.where(_.or_([{"tags": _.in_(event["tags"])}, {"likes": _.gt(event["likesOver"])}]))
                .orderBy("_id", "asc")
                .get()
            )
        if action == "like":
            updated = await messages.doc(event["id"]).update(
                {
                    "data": {
                        "likes": _.inc(1),
                        "likedBy": _.push(openid),
                        "lastLikedAt": db.serverDate(),
                        "meta.score": _.mul(2),
                    }
                }
            )
            after = await messages.doc(event["id"]).get()
            return {"updated": updated, "likes": after["data"]["likes"]}
        if action == "edit":
            return await messages.doc(event["id"]).set(
                {"data": {"author": openid, "text": event["text"], "approved": False, "likes": 0}}
            )
        if action == "get":
            return await messages.doc(event["id"]).get()
        if action == "remove":
            return await messages.doc(event["id"]).remove()
        if action == "approve":
            return await messages.where({"author": _.in_(event["authors"]), "approved": _.neq(True)}).update(
                {"data": {"approved": True, "reviewedAt": dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)}}
            )
        if action == "purge":
            return await messages.where({"likes": _.lt(1), "approved": False}).remove()
        if action == "stats":
            return await (
                messages.aggregate()
                .match({"approved": True})
                .group({"_id": "$author", "posts": S.sum(1), "likes": S.sum("$likes")})
                .sort({"likes": -1, "_id": 1})
                .end()
            )
        if action == "count":
            return await messages.where({"approved": event.get("approved")}).count()
        if action == "transfer":
            # Move likes from one message to another: both or neither.
            async def move(transaction):
                source = await transaction.collection("messages").doc(event["from"]).get()
                if source["data"]["likes"] < event["amount"]:
                    await transaction.rollback("not enough likes")
                    return None
                await (
                    transaction.collection("messages")
                    .doc(event["from"])
                    .update({"data": {"likes": _.inc(-event["amount"])}})
                )
                await (
                    transaction.collection("messages")
                    .doc(event["to"])
                    .update({"data": {"likes": _.inc(event["amount"])}})
                )
                return {"moved": event["amount"]}

            return await db.runTransaction(move)
        if action == "createBoard":
            return await db.createCollection(event["name"])
        return {"error": f"unknown action {action}"}
    except TransactionRollback as err:
        return {"aborted": err.reason}
    except cloudfn.CloudSDKError as err:
        return {"errCode": err.errCode, "errMsg": err.errMsg}
