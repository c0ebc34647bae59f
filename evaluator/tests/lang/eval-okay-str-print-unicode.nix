"héllo ✓ 日本"
