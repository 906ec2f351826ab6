"""dense_studio.ui"""
