import PaydeskCore
print("hi")
