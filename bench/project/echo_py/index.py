async def main(event, context):
    return {"echo": event.get("n")}
