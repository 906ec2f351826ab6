"""dense_studio.engine"""
