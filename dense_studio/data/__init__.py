"""dense_studio.data"""
